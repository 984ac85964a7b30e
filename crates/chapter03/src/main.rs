fn main() -> std::process::ExitCode {
    shared_util::cli::main_with_tools(&chapter03::CHAPTER, chapter03::TOOLS)
}
