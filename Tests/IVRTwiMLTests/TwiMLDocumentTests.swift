import IVRTwiML
import Testing

struct TwiMLDocumentTests {
    @Test func escapesTextAndAttributes() {
        let document = TwiMLDocument([
            .say(text: "Tom & Jerry's <b>\"deal\"</b>", language: "en-US", voice: "Polly.Joanna"),
            .say(text: "会员服务请按3；廣東話請按2", language: "zh-CN", voice: nil),
            .say(text: "tab\tline\nbell\u{07}nul\u{01}end\u{FFFE}\u{FFFF}\u{FFFD}", language: "en-US", voice: nil),
            .gather(numDigits: 1, finishOnKey: "#", timeout: 5, action: "https://ivr.example.com/twiml/hotline/next?s=a-b_c&x=1",
                    inside: [.play(url: "https://ivr.example.com/audio/abc/0/en-US/main.menu.wav")]),
        ])
        #expect(document.xml == """
            <?xml version="1.0" encoding="UTF-8"?><Response>\
            <Say language="en-US" voice="Polly.Joanna">Tom &amp; Jerry&apos;s &lt;b&gt;&quot;deal&quot;&lt;/b&gt;</Say>\
            <Say language="zh-CN">会员服务请按3；廣東話請按2</Say>\
            <Say language="en-US">tab\tline\nbell nul end  \u{FFFD}</Say>\
            <Gather input="dtmf" numDigits="1" finishOnKey="#" timeout="5" actionOnEmptyResult="true" \
            action="https://ivr.example.com/twiml/hotline/next?s=a-b_c&amp;x=1" method="POST">\
            <Play>https://ivr.example.com/audio/abc/0/en-US/main.menu.wav</Play></Gather></Response>
            """)
    }
}
