fn main() -> std::process::ExitCode {
    shared_util::cli::main_with(&chapter06::CHAPTER, &[], chapter06::OPTIONS)
}
