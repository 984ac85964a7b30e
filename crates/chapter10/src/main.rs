fn main() -> std::process::ExitCode {
    runner::main(&chapter10::CHAPTER)
}
