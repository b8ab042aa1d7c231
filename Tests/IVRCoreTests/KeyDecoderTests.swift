import Testing
@testable import IVRTools

@Suite struct KeyDecoderTests {
    /// Feeds bytes and collects every step that is not `.none`.
    func steps(_ bytes: [UInt8], interactive: Bool, finish: Bool = true) -> [KeyDecoder.Step] {
        var decoder = KeyDecoder(interactive: interactive)
        var steps = bytes.map { decoder.feed($0) }
        if finish { steps.append(decoder.finish()) }
        return steps.filter { $0 != .none }
    }

    @Test func pipedKeysAndSeparators() {
        #expect(steps(Array("1 2,#\n.!".utf8), interactive: false) ==
                [.token(.key(.k1)), .token(.key(.k2)), .token(.key(.pound)), .token(.timeout), .token(.hangup)])
    }

    @Test func invalidUTF8FromAPipeNamesItsByteOffset() {
        let message = "the input is not valid UTF-8: keys are 0-9 * # A-D, '.' for a timeout, '!' to hang up"
        // A stray byte, a lead byte cut off by a key, and one cut off by the end.
        #expect(steps([0x31, 0x20, 0xFF, 0x32], interactive: false) ==
                [.token(.key(.k1)), .error(.init(offset: 2, problem: message)), .token(.key(.k2))])
        #expect(steps([0x31, 0xE4, 0xB8, 0x31], interactive: false) ==
                [.token(.key(.k1)), .error(.init(offset: 1, problem: message))])
        #expect(steps([0x31, 0xC3], interactive: false) == [.token(.key(.k1)), .error(.init(offset: 1, problem: message))])
        // Overlong and surrogate encodings are not UTF-8 either.
        #expect(steps([0xE0, 0x80, 0xB1], interactive: false) == [.error(.init(offset: 0, problem: message))])
        #expect(steps([0xED, 0xA0, 0x80], interactive: false) == [.error(.init(offset: 0, problem: message))])
    }

    @Test func aCharacterThatIsNotAKeyFromAPipeNamesItsOffset() {
        let bytes = Array("1 二".utf8)
        #expect(steps(bytes, interactive: false) == [
            .token(.key(.k1)),
            .error(.init(offset: 2, problem: "'二' is not a key: use 0-9 * # A-D, '.' for a timeout, '!' to hang up")),
        ])
    }

    @Test func arrowAndFunctionKeysOnATerminalAreSkippedWhole() {
        // Up, Down (ESC [ A / ESC [ B), F1 (ESC O P), F5 (ESC [ 1 5 ~),
        // Alt+1 (ESC 1), Shift+Right (ESC [ 1 ; 2 C): none is a key.
        let bytes: [UInt8] = [0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x42, 0x31, 0x1B, 0x4F, 0x50, 0x1B, 0x5B, 0x31, 0x35, 0x7E,
                              0x1B, 0x31, 0x1B, 0x5B, 0x31, 0x3B, 0x32, 0x43, 0x32]
        #expect(steps(bytes, interactive: true) == [.token(.key(.k1)), .token(.key(.k2))])
        // The same bytes from a pipe are not keys.
        #expect(steps(bytes, interactive: false).first == .error(.init(offset: 0,
            problem: "U+1B is not a key: use 0-9 * # A-D, '.' for a timeout, '!' to hang up")))
    }

    @Test func aLoneEscIsSkippedWhenTheTerminalGoesQuiet() {
        var decoder = KeyDecoder(interactive: true)
        #expect(decoder.feed(0x1B) == .none && decoder.inEscape)
        decoder.pause()
        #expect(!decoder.inEscape)
        #expect(decoder.feed(UInt8(ascii: "A")) == .token(.key(.a)))
    }

    @Test func controlKeysHangUpAndOtherCharactersAreSkippedOnATerminal() {
        #expect(steps([0x03], interactive: true) == [.token(.hangup)])
        #expect(steps([0x04], interactive: true) == [.token(.hangup)])
        #expect(steps(Array("x1".utf8) + [0xFF], interactive: true) == [
            .skipped("'x' is not a key: use 0-9 * # A-D, '.' for a timeout, '!' to hang up"),
            .token(.key(.k1)),
            .skipped("a byte that is not UTF-8"),
        ])
    }
}
