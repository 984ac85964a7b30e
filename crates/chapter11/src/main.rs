fn main() -> std::process::ExitCode {
    runner::main(&chapter11::CHAPTER)
}
