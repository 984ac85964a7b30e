fn main() -> std::process::ExitCode {
    runner::main(&chapter03::CHAPTER)
}
