/// Errors for options that YAML swallowed: an unquoted `#:` starts a
/// comment, so the option vanishes while the prompt still says "press
/// pound". Found in the source text, since the parsed tree no longer has it.
enum CommentedOptionPass {
    static func run(text: String, file: String) -> [Diagnostic] {
        YAMLDocument.commentedOptions(in: text).map { comment in
            Diagnostic(.unquotedPoundKey(comment.value), at: SourceMark(file: file, line: comment.line, column: comment.column))
        }
    }
}
