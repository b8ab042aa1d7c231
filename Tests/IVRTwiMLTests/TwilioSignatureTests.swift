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

struct FormBodyTests {
    @Test func pairsAreDecoded() {
        let parameters = FormBody.parse(Array("CallSid=CA1&From=%2B8613800138000&Body=hello+world&Digits=&Caller=%E6%9D%8E%E9%9B%B7&bad=%zz%4".utf8))
        #expect(parameters.map { "\($0.0)=\($0.1)" } == ["CallSid=CA1", "From=+8613800138000", "Body=hello world", "Digits=", "Caller=李雷",
                                                          "bad=%zz%4"])
        #expect(FormBody.value("From", in: parameters) == "+8613800138000")
        #expect(FormBody.value("To", in: parameters) == nil)
    }
}
