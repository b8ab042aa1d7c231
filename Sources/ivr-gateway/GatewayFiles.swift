import ArgumentParser
import Foundation
import IVRTwiML
import Yams

/// The webhook gateway's two small YAML files: `--voices` (flow language to
/// Twilio's `language` and `voice`) and `--targets` (transfer target to
/// the number or SIP address to dial). A mistake names the file and line.
enum GatewayFiles {
    static func mapping(_ path: String, option: String) throws -> [(key: String, value: Node, line: Int)] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(option): cannot read '\(path)'") }
        let node: Node?
        do { node = try Yams.compose(yaml: String(decoding: data, as: UTF8.self)) } catch {
            throw ValidationError("\(option): \(path) is not YAML: \(error)")
        }
        guard let mapping = node?.mapping else { throw ValidationError("\(path):1:1: \(option) must be a mapping") }
        return try mapping.map { key, value in
            guard let name = key.string else { throw ValidationError("\(path):\(key.mark?.line ?? 0): a key must be a string") }
            return (name, value, value.mark?.line ?? 0)
        }
    }

    static func voices(_ path: String) throws -> [String: TwiMLSession.Voice] {
        var voices: [String: TwiMLSession.Voice] = [:]
        for (tag, value, line) in try mapping(path, option: "--voices") {
            guard let fields = value.mapping, let language = fields["language"]?.string, !language.isEmpty,
                  fields.keys.allSatisfy({ ["language", "voice"].contains($0.string ?? "") }) else {
                throw ValidationError("\(path):\(line): write \(tag): { language: TAG, voice: NAME } (voice optional)")
            }
            voices[tag] = TwiMLSession.Voice(language: language, voice: fields["voice"]?.string)
        }
        return voices
    }

    static func targets(_ path: String) throws -> [String: String] {
        var targets: [String: String] = [:]
        for (target, value, line) in try mapping(path, option: "--targets") {
            guard let dial = value.string, !dial.isEmpty else {
                throw ValidationError("\(path):\(line): write \(target): \"+861095588\" or \"sip:agent@pbx.example.com\"")
            }
            targets[target] = dial
        }
        return targets
    }
}
