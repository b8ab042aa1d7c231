import ArgumentParser
import Foundation
import IVRCore
import IVRTools

/// `ivr prompts status FLOW`: per language, which prompt keys the flow
/// plays have a recording, which do not, and which hold placeholders (a
/// gateway speaks those through its TTS, as no studio recording can hold
/// every amount or name).
struct PromptsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompts",
        abstract: "Recordings of a flow's prompts, per language.",
        subcommands: [Status.self, Synth.self]
    )

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List per language the prompts with a recording, without one, and with placeholders (spoken by TTS).")

        @Argument(help: "The flow file.") var flow: String
        @Option(help: "The prompt catalog directory.") var prompts: String?
        @Flag(help: "One JSON object per language and line.") var json = false

        func run() throws {
            let (_, machine) = try Console.compile(flow, prompts: prompts)
            for (index, language) in machine.languages.enumerated() {
                var recorded: [String] = [], missing: [String] = [], dynamic: [String] = []
                for prompt in machine.prompts {
                    if prompt.audio[index] != nil {
                        recorded.append(prompt.key)
                    } else if prompt.texts[index].isPlainText {
                        missing.append(prompt.key)
                    } else {
                        dynamic.append(prompt.key)
                    }
                }
                if json {
                    print(JSONValue.object([("language", .string(language)), ("recorded", .array(recorded.map(JSONValue.string))),
                                            ("missing", .array(missing.map(JSONValue.string))),
                                            ("dynamic", .array(dynamic.map(JSONValue.string)))]).text)
                } else {
                    print("\(language): \(recorded.count) of \(recorded.count + missing.count) fixed prompts recorded, \(dynamic.count) with placeholders")
                    if !missing.isEmpty { print("  not recorded: " + missing.joined(separator: ", ")) }
                    if !dynamic.isEmpty { print("  spoken by TTS (placeholders): " + dynamic.joined(separator: ", ")) }
                }
            }
        }
    }

    /// `ivr prompts synth FLOW --engine espeak-ng`: a recording for every
    /// fixed prompt (no placeholders) that has none, spoken by a speech
    /// engine and written as 8 kHz mono 16-bit WAV (what a PBX plays), so a
    /// flow can be tried on a real PBX before studio recordings exist.
    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write 8 kHz mono WAV recordings of the fixed prompts that have none, with a speech engine.")

        @Argument(help: "The flow file.") var flow: String
        @Option(help: "The speech engine: espeak-ng (Mandarin cmn, Cantonese yue, English and more).") var engine: String
        @Option(help: "The prompt catalog directory.") var prompts: String?
        @Option(help: "A voice for a language, as TAG=VOICE (such as zh-TW=cmn); repeatable.") var voice: [String] = []
        @Flag(help: "Write over existing recordings too (studio recordings included).") var force = false

        static let rate = 8000

        func run() throws {
            guard engine == "espeak-ng" else {
                throw Console.fail("--engine: the engine is espeak-ng, not '\(engine)'", code: ExitStatus.usage)
            }
            var voices: [String: String] = [:]
            for item in voice {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw Console.fail("--voice: write TAG=VOICE, such as zh-TW=cmn, not '\(item)'", code: ExitStatus.usage)
                }
                voices[parts[0]] = parts[1]
            }
            let (compiled, machine) = try Console.compile(flow, prompts: prompts)
            // espeak-ng falls back to another voice, silently, for one it
            // does not have: ask it which it has first.
            let known = try Self.espeakVoices()
            for (index, language) in machine.languages.enumerated() {
                let voice = voices[language] ?? Self.espeakVoice(for: language)
                guard known.contains(voice.lowercased()) else {
                    throw Console.fail("espeak-ng has no voice '\(voice)' for \(language): choose one of `espeak-ng --voices` with --voice \(language)=VOICE",
                                       code: ExitStatus.failure)
                }
                let directory = (compiled.promptDirectory as NSString).appendingPathComponent(language)
                var wrote = 0, kept = 0, dynamic = 0
                for prompt in machine.prompts {
                    guard prompt.texts[index].isPlainText else {
                        dynamic += 1
                        continue
                    }
                    if prompt.audio[index] != nil, !force {
                        kept += 1
                        continue
                    }
                    let text = prompt.texts[index].literal ?? ""
                    let audio = try Self.speak(text, voice: voice).resampled(to: Self.rate)
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                    // A studio recording in another format gives way to the new WAV only with --force.
                    let path = (directory as NSString).appendingPathComponent(prompt.key + ".wav")
                    do {
                        try Data(audio.bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
                    } catch {
                        throw Console.fail("cannot write \(path): \(error.localizedDescription)", code: ExitStatus.failure)
                    }
                    wrote += 1
                }
                print("\(language) (espeak-ng \(voice)): wrote \(wrote), kept \(kept) recorded, \(dynamic) with placeholders left to the gateway's --tts")
            }
        }

        /// espeak-ng's voice for a language tag: Mandarin `cmn`, Cantonese
        /// `yue`, English by region, else the language subtag.
        static func espeakVoice(for tag: String) -> String {
            let lower = tag.lowercased()
            switch lower {
            case "zh-hk", "zh-mo", "yue", "yue-hk", "yue-mo", "zh-yue": return "yue"
            case _ where lower.hasPrefix("zh") || lower.hasPrefix("cmn"): return "cmn"
            case "en-us", "en": return "en-us"
            case "en-gb": return "en-gb"
            default: return String(lower.prefix { $0 != "-" })
            }
        }

        /// The voices espeak-ng has, by language code and voice name, lower case.
        static func espeakVoices() throws -> Set<String> {
            let listing = String(decoding: try espeak(["--voices"]), as: UTF8.self)
            var names = Set<String>()
            for line in listing.split(separator: "\n").dropFirst() {
                let columns = line.split(separator: " ", omittingEmptySubsequences: true)
                guard columns.count >= 4 else { continue }
                names.insert(columns[1].lowercased())
                names.insert(columns[3].lowercased())
            }
            return names
        }

        /// One prompt through espeak-ng, as WAV on its standard output.
        static func speak(_ text: String, voice: String) throws -> WAVAudio {
            let data = try espeak(["-v", voice, "-b", "1", "--stdout", text])
            do { return try WAVAudio.parse(Array(data)) } catch {
                throw Console.fail("espeak-ng -v \(voice) wrote no usable audio: \(error)", code: ExitStatus.failure)
            }
        }

        /// Runs espeak-ng; its standard output.
        static func espeak(_ arguments: [String]) throws -> Data {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["espeak-ng"] + arguments
            let output = Pipe(), errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            do { try process.run() } catch {
                throw Console.fail("cannot start espeak-ng: \(error.localizedDescription)", code: ExitStatus.failure)
            }
            let data = output.fileHandleForReading.readDataToEndOfFile()
            let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                let hint = process.terminationStatus == 127 ? "espeak-ng is not installed (Debian: apt-get install espeak-ng)"
                    : "espeak-ng \(arguments.prefix(2).joined(separator: " ")) failed: \(problem.trimmingCharacters(in: .whitespacesAndNewlines))"
                throw Console.fail(hint, code: ExitStatus.failure)
            }
            return data
        }
    }
}
