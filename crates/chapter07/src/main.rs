fn main() -> std::process::ExitCode {
    runner::main(&chapter07::CHAPTER)
}
