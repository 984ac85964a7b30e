fn main() -> std::process::ExitCode {
    runner::main(&chapter05::CHAPTER)
}
