/// A prompt's recorded audio as the compiler found it (SPEC 9): which
/// catalog directory, language and prompt key, the file name and its
/// format. Each host resolves it: the command line to a path
/// (`Machine.mediaPath`), Asterisk to a sound name without extension
/// (`soundName`), a webhook to a URL under its media base.
public struct MediaReference: Sendable, Hashable, Codable {
    /// Index into `Machine.mediaRoots` (each flow may have its own prompt directory).
    public var root: Int
    public var language: String
    public var prompt: String
    /// `main.menu.wav`: the file in the language's directory.
    public var file: String
    /// `wav`, `mp3`, `gsm`, `sln`, `ulaw` or `alaw`.
    public var format: String

    public init(root: Int, language: String, prompt: String, file: String, format: String) {
        self.root = root
        self.language = language
        self.prompt = prompt
        self.file = file
        self.format = format
    }

    /// `zh-CN/main.menu.wav`: the file relative to its prompt directory, as
    /// traces show it (the same on every host).
    public var relativePath: String { language + "/" + file }

    /// `zh-CN/main.menu`: Asterisk plays a sound by name, without extension.
    public var soundName: String { language + "/" + prompt }
}
