fn main() -> std::process::ExitCode {
    runner::main(&chapter02::CHAPTER)
}
