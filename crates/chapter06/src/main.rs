fn main() -> std::process::ExitCode {
    runner::main(&chapter06::CHAPTER)
}
