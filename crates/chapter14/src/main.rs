fn main() -> std::process::ExitCode {
    runner::main(&chapter14::CHAPTER)
}
