/// A prompt's recorded audio as the compiler found it (SPEC 9): which
/// catalog directory, language and prompt key, the file name and its
/// format. Each host resolves it: the command line to a path
/// (`Machine.mediaPath`), Asterisk to a sound name without extension
/// (`soundName`), a webhook to a URL under its media base.
public final class MediaReference: Sendable, Hashable {
    /// Index into `Machine.mediaRoots` (each flow may have its own prompt directory).
    public let root: Int
    public let language: String
    public let prompt: String
    /// `main.menu.wav`: the file in the language's directory.
    public let file: String
    /// `wav`, `mp3`, `gsm`, `sln`, `ulaw` or `alaw`.
    public let format: String

    public init(root: Int, language: String, prompt: String, file: String, format: String) {
        self.root = root
        self.language = language
        self.prompt = prompt
        self.file = file
        self.format = format
    }

    // A class (immutable): a play carries one pointer, not four strings.
    public static func == (lhs: MediaReference, rhs: MediaReference) -> Bool {
        (lhs.root, lhs.language, lhs.prompt, lhs.file, lhs.format) == (rhs.root, rhs.language, rhs.prompt, rhs.file, rhs.format)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(root)
        hasher.combine(language)
        hasher.combine(prompt)
        hasher.combine(file)
    }

    /// `zh-CN/main.menu.wav`: the file relative to its prompt directory, as
    /// traces show it (the same on every host).
    public var relativePath: String { language + "/" + file }

    /// `zh-CN/main.menu`: Asterisk plays a sound by name, without extension.
    public var soundName: String { language + "/" + prompt }
}
