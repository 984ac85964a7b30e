fn main() -> std::process::ExitCode {
    runner::main(&chapter12::CHAPTER)
}
