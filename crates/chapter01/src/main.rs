fn main() -> std::process::ExitCode {
    shared_util::cli::main_with(&chapter01::CHAPTER, &[], chapter01::OPTIONS)
}
