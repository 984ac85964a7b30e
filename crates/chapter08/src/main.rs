fn main() -> std::process::ExitCode {
    runner::main(&chapter08::CHAPTER)
}
