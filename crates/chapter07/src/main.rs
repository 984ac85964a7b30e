fn main() -> std::process::ExitCode {
    shared_util::cli::main_with(&chapter07::CHAPTER, chapter07::TOOLS, chapter07::OPTIONS)
}
