fn main() -> std::process::ExitCode {
    runner::main(&chapter04::CHAPTER)
}
