import Foundation
import IVRTools
import Testing

/// `ivr prompts synth` with the real espeak-ng (CI installs it from Debian).
enum Espeak {
    static let installed = ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"].contains { FileManager.default.isExecutableFile(atPath: $0) }
}

@Suite(.enabled(if: Espeak.installed, "espeak-ng is not installed (.ci/run installs Debian's espeak-ng)"))
struct PromptsSynthTests {
    static let project: [String: String] = [
        "Flows/p.yaml": "flow: p\nstart: main\nlanguages: [zh-CN, yue-HK, en-US]\nstates:\n  main: { menu: { prompt: hi, options: { \"1\": bye } } }\n  bye: { hangup: { say: [thanks, bye] } }\n",
        "Prompts/zh-CN.yaml": "hi: 您好，请按1。\nbye: 再见。\nthanks: \"谢谢，{caller}。\"\n",
        "Prompts/yue-HK.yaml": "hi: 你好，請按1。\nbye: 再見。\nthanks: \"多謝，{caller}。\"\n",
        "Prompts/en-US.yaml": "hi: Hello, press 1.\nbye: Goodbye.\nthanks: \"Thank you, {caller}.\"\n",
        "Prompts/en-US/hi.wav": "RIFF studio",
    ]

    @Test func fixedPromptsWithoutARecordingBecome8kHzMonoWAV() throws {
        let directory = try IVRBinary.scratch(Self.project)
        let result = try IVRBinary.run(["prompts", "synth", "Flows/p.yaml", "--engine", "espeak-ng"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
        zh-CN (espeak-ng cmn): wrote 2, kept 0 recorded, 1 with placeholders left to the gateway's --tts
        yue-HK (espeak-ng yue): wrote 2, kept 0 recorded, 1 with placeholders left to the gateway's --tts
        en-US (espeak-ng en-us): wrote 1, kept 1 recorded, 1 with placeholders left to the gateway's --tts

        """)
        for file in ["zh-CN/hi.wav", "zh-CN/bye.wav", "yue-HK/hi.wav", "yue-HK/bye.wav", "en-US/bye.wav"] {
            let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent("Prompts/" + file)))
            let audio = try WAVAudio.parse(bytes)
            #expect(audio.rate == 8000, "\(file)")
            #expect(bytes[22] == 1 && bytes[34] == 16, "\(file): mono, 16-bit")
            #expect(audio.seconds > 0.3 && audio.seconds < 5, "\(file): \(audio.seconds) s")
            #expect(audio.samples.contains { abs(Int($0)) > 1000 }, "\(file): speech, not silence")
        }
        #expect(try String(contentsOf: directory.appendingPathComponent("Prompts/en-US/hi.wav"), encoding: .utf8) == "RIFF studio",
                "a recording is never overwritten without --force")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("Prompts/en-US/thanks.wav").path))
        let status = try IVRBinary.run(["prompts", "status", "Flows/p.yaml"], in: directory)
        #expect(status.stdout.contains("zh-CN: 2 of 2 fixed prompts recorded, 1 with placeholders"))
        // Again: nothing left to write.
        let again = try IVRBinary.run(["prompts", "synth", "Flows/p.yaml", "--engine", "espeak-ng"], in: directory)
        #expect(again.stdout.hasPrefix("zh-CN (espeak-ng cmn): wrote 0, kept 2 recorded"))
    }

    @Test func anUnknownEngineOrVoiceIsAClearError() throws {
        let directory = try IVRBinary.scratch(Self.project)
        let engine = try IVRBinary.run(["prompts", "synth", "Flows/p.yaml", "--engine", "festival"], in: directory)
        #expect(engine.status == 2)
        #expect(engine.stderr == "ivr: --engine: the engine is espeak-ng, not 'festival'\n")
        let voice = try IVRBinary.run(["prompts", "synth", "Flows/p.yaml", "--engine", "espeak-ng", "--voice", "zh-CN=xx-nowhere"], in: directory)
        #expect(voice.status == 1)
        #expect(voice.stderr == "ivr: espeak-ng has no voice 'xx-nowhere' for zh-CN: choose one of `espeak-ng --voices` with --voice zh-CN=VOICE\n")
    }
}

struct WAVAudioTests {
    static func tone(_ frequency: Double, rate: Int, seconds: Double) -> WAVAudio {
        WAVAudio(rate: rate, samples: (0..<Int(Double(rate) * seconds)).map { Int16(10_000 * sin(2 * .pi * frequency * Double($0) / Double(rate))) })
    }

    static func peak(_ audio: WAVAudio) -> Int {
        // Away from the edges, where the filter has half its input.
        audio.samples.dropFirst(200).dropLast(200).map { abs(Int($0)) }.max() ?? 0
    }

    @Test func aToneTheTelephoneCarriesKeepsItsPitchAndLoudness() throws {
        let audio = Self.tone(1000, rate: 22050, seconds: 1).resampled(to: 8000)
        #expect(audio.rate == 8000 && audio.samples.count == 8000)
        #expect(abs(Self.peak(audio) - 10_000) < 300, "\(Self.peak(audio))")
        // 1 kHz: 2000 zero crossings a second.
        let crossings = zip(audio.samples, audio.samples.dropFirst()).filter { ($0 < 0) != ($1 < 0) }.count
        #expect(abs(crossings - 2000) <= 4, "\(crossings)")
    }

    @Test func aToneAboveFourKilohertzIsFilteredOutNotFoldedBack() {
        // 6 kHz would fold back as 2 kHz at 8 kHz without the filter.
        let audio = Self.tone(6000, rate: 22050, seconds: 1).resampled(to: 8000)
        #expect(Self.peak(audio) < 200, "\(Self.peak(audio))")
    }

    @Test func aFileReadsBackAsWritten() throws {
        let audio = WAVAudio(rate: 8000, samples: [0, 1, -1, 32767, -32768])
        #expect(audio.bytes.count == 44 + 10)
        #expect(try WAVAudio.parse(audio.bytes) == audio)
        // Stereo is mixed down; a data size past the end (a pipe) takes the rest.
        var stereo = WAVAudio(rate: 22050, samples: [100, 300, -100, -300]).bytes
        stereo[22] = 2
        stereo[40...43] = [0xff, 0xff, 0xff, 0x7f]
        #expect(try WAVAudio.parse(stereo) == WAVAudio(rate: 22050, samples: [200, -200]))
        #expect(throws: WAVAudio.BadFile.self) { try WAVAudio.parse(Array("RIFF studio".utf8)) }
        #expect(throws: WAVAudio.BadFile.self) { try WAVAudio.parse(Array(audio.bytes.prefix(30))) }
    }
}
