import Foundation

/// 16-bit PCM WAV files, read and written, and resampled, with no I/O:
/// speech engines write 22.05 kHz, telephones play 8 kHz mono (Asterisk's
/// `wav` format), so `ivr prompts synth` converts one into the other.
public struct WAVAudio: Equatable, Sendable {
    public var rate: Int
    /// Mono samples (several channels are mixed down when read).
    public var samples: [Int16]

    public init(rate: Int, samples: [Int16]) {
        self.rate = rate
        self.samples = samples
    }

    public struct BadFile: Error, CustomStringConvertible {
        public var description: String
    }

    public var seconds: Double { rate > 0 ? Double(samples.count) / Double(rate) : 0 }

    /// Reads a RIFF/WAVE file of 16-bit PCM. A data chunk whose size runs
    /// past the end (engines writing to a pipe cannot know it) takes the rest.
    public static func parse(_ bytes: [UInt8]) throws -> WAVAudio {
        func word(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func long(_ at: Int) -> Int { word(at) | word(at + 2) << 16 }
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            throw BadFile(description: "not a RIFF/WAVE file")
        }
        var offset = 12
        var format: (channels: Int, rate: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = long(offset + 4)
            let body = offset + 8
            if id == "fmt " {
                guard body + 16 <= bytes.count, word(body) == 1 else { throw BadFile(description: "not PCM audio") }
                format = (word(body + 2), long(body + 4), word(body + 14))
            } else if id == "data" {
                guard let format, format.bits == 16, format.channels >= 1 else { throw BadFile(description: "not 16-bit PCM audio") }
                let end = min(bytes.count, size > bytes.count - body ? bytes.count : body + size)
                var samples: [Int16] = []
                samples.reserveCapacity((end - body) / (2 * format.channels))
                var at = body
                while at + 2 * format.channels <= end {
                    var sum = 0
                    for channel in 0..<format.channels { sum += Int(Int16(truncatingIfNeeded: word(at + 2 * channel))) }
                    samples.append(Int16(sum / format.channels))
                    at += 2 * format.channels
                }
                return WAVAudio(rate: format.rate, samples: samples)
            }
            guard size >= 0, body + size + (size & 1) > offset else { break }
            offset = body + size + (size & 1)
        }
        throw BadFile(description: "no audio data")
    }

    /// The file: RIFF/WAVE, 16-bit PCM, mono.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        func long(_ value: Int) { out += [UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 24 & 0xff)] }
        func word(_ value: Int) { out += [UInt8(value & 0xff), UInt8(value >> 8 & 0xff)] }
        out += Array("RIFF".utf8)
        long(36 + samples.count * 2)
        out += Array("WAVEfmt ".utf8)
        long(16)
        word(1)
        word(1)
        long(rate)
        long(rate * 2)
        word(2)
        word(16)
        out += Array("data".utf8)
        long(samples.count * 2)
        out.reserveCapacity(out.count + samples.count * 2)
        for sample in samples { word(Int(UInt16(bitPattern: sample))) }
        return out
    }

    /// The same sound at another rate: band-limited (windowed-sinc)
    /// interpolation, so that what the new rate cannot carry is filtered out
    /// instead of folding back as noise.
    public func resampled(to target: Int) -> WAVAudio {
        guard target > 0, rate > 0, target != rate, !samples.isEmpty else { return WAVAudio(rate: target > 0 ? target : rate, samples: samples) }
        let ratio = Double(rate) / Double(target)
        // Cut-off just under the lower Nyquist frequency, in cycles per input sample.
        let cutoff = 0.5 * min(1, 1 / ratio) * 0.92
        let half = Int((8 / (2 * cutoff)).rounded(.up))
        let count = Int((Double(samples.count) / ratio).rounded(.down))
        var out = [Int16](repeating: 0, count: count)
        for index in 0..<count {
            let center = Double(index) * ratio
            let first = max(0, Int(center.rounded(.down)) - half + 1), last = min(samples.count - 1, Int(center.rounded(.down)) + half)
            var sum = 0.0
            if first <= last {
                for k in first...last {
                    let distance = center - Double(k)
                    let x = 2 * cutoff * distance
                    let sinc = x == 0 ? 1 : sin(Double.pi * x) / (Double.pi * x)
                    // Blackman window over ±half input samples.
                    let w = 0.42 + 0.5 * cos(Double.pi * distance / Double(half)) + 0.08 * cos(2 * Double.pi * distance / Double(half))
                    sum += Double(samples[k]) * 2 * cutoff * sinc * w
                }
            }
            out[index] = Int16(max(-32768, min(32767, sum.rounded())))
        }
        return WAVAudio(rate: target, samples: out)
    }
}
