fn main() -> std::process::ExitCode {
    shared_util::cli::main(&chapter11::CHAPTER)
}
