import Foundation
import Testing

@testable import SMSAdapter

/// The shortcuts the Twilio check takes per webhook give exactly what the plain computation gives.
@Suite struct TwilioPreparedSigningTests {
    static let bases = [
        "https://sms.example.org", "https://sms.example.org:8443", "http://sms.example.org",
        "https://public.example.org/hotline", "HTTPS://Sms.Example.org:443/prefix", "http://[::1]:8080",
        "http://[::1]", "https://host?odd", "https://host#frag", "sms.example.org", "https:/host",
    ]

    /// The port variants worked out from the base alone, followed by path and query, are those of the whole URL.
    @Test(arguments: bases)
    func baseVariantsFollowedByPathAndQueryAreTheURLsVariants(base: String) {
        let url = PublicURL(base: base)
        for (path, query) in [("/v1/sms/twilio", nil), ("/v1/sms/twilio", "a=1&b=%20"), ("/", ""), ("/x:1", "y=:2")] {
            let whole = PublicURL.portVariants(url.url(path: path, query: query))
            guard let variants = url.baseVariants else {
                #expect(!base.contains("://"))
                continue
            }
            #expect(PublicURL.baseVariantsApply(toPath: path))
            #expect(variants.map { $0 + PublicURL.pathAndQuery(path: path, query: query) } == whole)
        }
    }

    /// The byte-range sort signs what sorting the pairs as strings by code point signs.
    @Test func signedParametersMatchTheStringSort() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = ["a", "B", "b", "é", "e\u{301}", "", "Sms", "SmsSid", "😀", "1", "10", "2"]
        for _ in 0..<200 {
            let parameters = (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                FormParameter(
                    alphabet.randomElement(using: &generator)! + alphabet.randomElement(using: &generator)!,
                    alphabet.randomElement(using: &generator)!)
            }
            var expected: [UInt8] = []
            var previous: FormParameter?
            for parameter in parameters.sortedByCodePoint() {
                if let previous, Array(previous.name.utf8) == Array(parameter.name.utf8),
                    Array(previous.value.utf8) == Array(parameter.value.utf8)
                {
                    continue
                }
                expected += Array(parameter.name.utf8) + Array(parameter.value.utf8)
                previous = parameter
            }
            #expect(TwilioSignature.signedParameters(parameters) == expected)
        }
    }

    /// A prepared key signs as a fresh one does, and copies of it do not disturb each other.
    @Test func preparedHMACCopiesAreIndependent() {
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        let params = [
            FormParameter("CallSid", "CA1234567890ABCDE"), FormParameter("Caller", "+14158675309"),
            FormParameter("Digits", "1234"), FormParameter("From", "+14158675309"), FormParameter("To", "+18005551212"),
        ]
        let prepared = PreparedHMAC(key: "12345", algorithm: .hmacSHA1)
        for _ in 0..<3 {
            var mac = prepared
            mac.update(url)
            mac.update(TwilioSignature.signedParameters(params))
            #expect(mac.base64() == "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
        }
        #expect(
            TwilioSignature.isValid(
                "RSOYDt4T1cUTdK1PDd93/VVr8B8=", urlVariants: ["https://mycompany.com:443", "https://mycompany.com"],
                followedBy: "/myapp.php?foo=1&bar=2", signedParameters: TwilioSignature.signedParameters(params),
                hmac: prepared))
    }

    /// The form parsed for the signature is reused only for the same body.
    @Test func formParametersFollowTheBody() {
        var request = SMSRequest(
            path: "/v1/sms/twilio", query: nil,
            headers: [.init(name: "Content-Type", value: " Application/X-WWW-Form-Urlencoded ; charset=utf-8")],
            body: Data("a=1&b=2".utf8))
        #expect(request.isForm)
        #expect(request.mediaType == "application/x-www-form-urlencoded")
        #expect(request.formParameters == [FormParameter("a", "1"), FormParameter("b", "2")])
        let copy = request
        request.body = Data("a=3".utf8)
        #expect(request.formParameters == [FormParameter("a", "3")])
        #expect(copy.formParameters == [FormParameter("a", "1"), FormParameter("b", "2")])
        request.headers = [.init(name: "content-type", value: "application/json")]
        #expect(!request.isForm)
    }
}
