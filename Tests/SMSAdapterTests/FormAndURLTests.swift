import Foundation
import Testing

@testable import SMSAdapter

@Suite struct FormAndURLTests {
    @Test func formDecodingKeepsEmptyValuesAndDecodesUTF8() {
        let pairs = FormURLEncoded.parse(Array("a=1&FromCity=&b=x+y%20z&c=%E4%BD%A0%F0%9F%98%80&d&bad=%zz%4".utf8))
        #expect(
            pairs == [
                FormParameter("a", "1"), FormParameter("FromCity", ""), FormParameter("b", "x y z"),
                FormParameter("c", "你😀"), FormParameter("d", ""), FormParameter("bad", "%zz%4"),
            ])
    }

    @Test func publicURLKeepsTheQueryAsReceivedAndAProxyPrefix() {
        let url = PublicURL(base: "https://public.example.org/hotline/")
        #expect(
            url.url(path: "/v1/sms/twilio", query: "b=2&a=%20")
                == "https://public.example.org/hotline/v1/sms/twilio?b=2&a=%20")
        #expect(url.url(path: "/v1/sms/twilio", query: "") == "https://public.example.org/hotline/v1/sms/twilio")
    }

    /// twilio-python's own reference values (tests/unit/test_request_validator.py).
    @Test func twilioPublishedReferenceValues() {
        let params = [
            FormParameter("CallSid", "CA1234567890ABCDE"), FormParameter("Caller", "+14158675309"),
            FormParameter("Digits", "1234"), FormParameter("From", "+14158675309"), FormParameter("To", "+18005551212"),
        ]
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        #expect(TwilioSignature.compute(url: url, parameters: params, key: "12345") == "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
        #expect(TwilioSignature.isValid("RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: url, parameters: params, key: "12345"))
        let bodyURL =
            "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
        #expect(TwilioSignature.compute(url: bodyURL, parameters: [], key: "12345") == "a9nBmqA0ju/hNViExpshrM61xv4=")
    }
}

@Suite struct TwilioSignedStringTests {
    /// twilio-python signs `sorted(set(values))` per name: a repeated pair counts once, values in code-point order.
    @Test func repeatedPairsSignOnceAndValuesSortByCodePoint() {
        let params = [
            FormParameter("b", "é"), FormParameter("a", "2"), FormParameter("b", "z"), FormParameter("a", "10"),
            FormParameter("a", "2"), FormParameter("B", "x"),
        ]
        // The signed string is the URL, then "B" "x", "a" "10", "a" "2", "b" "z", "b" "é" (é is U+00E9, after z).
        #expect(
            String(decoding: TwilioSignature.signedParameters(params), as: UTF8.self) == "Bxa10a2bzbé")
    }

    /// Canonically equivalent but differently encoded values are different strings to the SDKs.
    @Test func decomposedAndPrecomposedValuesAreBothSigned() {
        let params = [FormParameter("Body", "e\u{301}"), FormParameter("Body", "\u{e9}")]
        #expect(String(decoding: TwilioSignature.signedParameters(params), as: UTF8.self) == "Bodye\u{301}Body\u{e9}")
    }

    @Test func formParsingMatchesOnDataAndOnArrays() {
        let text = "To=%2B8610690000&Body=%E4%BD%A0%E5%A5%BD+world&&From=%2B8613812345678&Empty="
        #expect(FormURLEncoded.parse(Data(text.utf8)) == FormURLEncoded.parse(Array(text.utf8)))
        #expect(FormURLEncoded.parse(Data(text.utf8)).first("Body") == "你好 world")
        #expect(FormURLEncoded.parse(Data()).isEmpty)
        #expect(FormURLEncoded.parse(Array("&&=&".utf8)) == [FormParameter("", "")])
    }
}
