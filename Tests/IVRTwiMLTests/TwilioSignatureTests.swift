import IVRTwiML
import Testing

struct TwilioSignatureTests {
    /// Twilio's documented example (and what the official `twilio` library's
    /// RequestValidator computes for it).
    static let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    static let parameters = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"),
                             ("From", "+12349013030"), ("To", "+18005551212")]

    @Test func theDocumentedExample() {
        let signer = TwilioSignature(authToken: "12345")
        #expect(signer.signature(url: Self.url, parameters: Self.parameters) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        // Parameter order on the wire does not matter: names are sorted.
        #expect(signer.signature(url: Self.url, parameters: Self.parameters.reversed()) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    }

    @Test func onlyTheExactSignatureIsValid() {
        let signer = TwilioSignature(authToken: "12345")
        #expect(signer.isValid("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url: Self.url, parameters: Self.parameters))
        #expect(!signer.isValid(nil, url: Self.url, parameters: Self.parameters))
        #expect(!signer.isValid("", url: Self.url, parameters: Self.parameters))
        #expect(!signer.isValid("0/KCTR6DLpKmkAf8muzZqo1nDgQ", url: Self.url, parameters: Self.parameters), "a prefix")
        #expect(!signer.isValid("0/KCTR6DLpKmkAf8muzZqo1nDgQ==", url: Self.url, parameters: Self.parameters), "longer")
        #expect(!signer.isValid("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url: Self.url + "&x=1", parameters: Self.parameters), "another URL")
        #expect(!signer.isValid("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url: Self.url, parameters: Self.parameters + [("Digits", "1")]),
                "an added parameter")
        #expect(!TwilioSignature(authToken: "54321").isValid("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url: Self.url, parameters: Self.parameters),
                "another account's token")
    }
}
