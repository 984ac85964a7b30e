fn main() -> std::process::ExitCode {
    runner::main(&chapter13::CHAPTER)
}
