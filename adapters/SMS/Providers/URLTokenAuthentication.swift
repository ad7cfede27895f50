import Foundation

/// For providers that sign nothing (Alibaba Cloud, Tencent Cloud): a long random token in the callback
/// URL's query (`?token=…`), compared in constant time.
struct URLTokenAuthentication: Sendable {
    let token: String

    func authenticate(_ request: SMSRequest) -> SMSAuthentication {
        guard let presented = request.queryParameters.first("token"), !presented.isEmpty else {
            return .rejected(SMSRejection("missing_token", "query parameter token is missing"))
        }
        guard ConstantTime.equal(presented, token) else {
            return .rejected(SMSRejection("bad_token", "query parameter token does not match"))
        }
        return .accepted
    }
}
