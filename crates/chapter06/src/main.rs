fn main() -> std::process::ExitCode {
    shared_util::cli::main(&chapter06::CHAPTER)
}
