fn main() -> std::process::ExitCode {
    runner::main(&chapter09::CHAPTER)
}
