fn main() -> std::process::ExitCode {
    runner::main(&chapter01::CHAPTER)
}
