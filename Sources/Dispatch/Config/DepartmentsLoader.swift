import ComplaintCore
import Foundation

/// Reads and validates departments.yaml.
///
/// ```yaml
/// departments:
///   - id: urban-management
///     name: 城市管理局
///     endpoint:
///       url: ${DOWNSTREAM_URL:-http://127.0.0.1:9009}/urban-management
///       timeout_ms: 10000
///       max_in_flight: 16
///       retry: { max_attempts: 12, base_delay_ms: 1000, max_delay_ms: 600000 }
///       headers: { X-Source: complaint-gateway }
/// ```
public enum DepartmentsLoader {
    /// Reads the departments from the root of departments.yaml; problems go to its diagnostics.
    public static func read(_ root: ConfigNode) -> [Department] {
        root.expectMapping(allowedKeys: ["departments"])
        var departments: [Department] = []
        var seen: Set<String> = []
        if root.isPresent, !root["departments"].isPresent { root["departments"].error("required field is missing") }
        for node in root["departments"].items() {
            node.expectMapping(allowedKeys: ["id", "name", "endpoint"])
            let id = node["id"].requiredString() ?? ""
            if !id.isEmpty {
                if !seen.insert(id).inserted { node["id"].error("duplicate department id \"\(id)\"") }
                if !id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
                    node["id"].error("department id \"\(id)\" may contain only letters, digits, - and _")
                }
            }
            let endpoint = readEndpoint(node["endpoint"])
            departments.append(Department(id: id, name: node["name"].string() ?? id, endpoint: endpoint))
        }
        if root["departments"].isPresent, departments.isEmpty { root["departments"].error("no departments defined") }
        return departments
    }

    private static func readEndpoint(_ node: ConfigNode) -> Department.Endpoint {
        guard node.isPresent else {
            node.error("required field is missing")
            return Department.Endpoint(url: "")
        }
        node.expectMapping(allowedKeys: ["url", "timeout_ms", "max_in_flight", "retry", "headers"])
        let url = node["url"].requiredString() ?? ""
        if !url.isEmpty {
            let parsed = URL(string: url)
            if parsed?.host == nil || !["http", "https"].contains(parsed?.scheme?.lowercased() ?? "") {
                node["url"].error("\"\(url)\" is not an http:// or https:// URL with a host")
            }
        }
        let retryNode = node["retry"]
        retryNode.expectMapping(allowedKeys: ["max_attempts", "base_delay_ms", "max_delay_ms"])
        let retry = RetryPolicy(
            maxAttempts: retryNode["max_attempts"].int(default: 12, in: 1...1000),
            baseDelay: Double(retryNode["base_delay_ms"].int(default: 1000, in: 1...86_400_000)) / 1000,
            maxDelay: Double(retryNode["max_delay_ms"].int(default: 600_000, in: 1...604_800_000)) / 1000
        )
        if retry.maxDelay < retry.baseDelay { retryNode["max_delay_ms"].error("must not be less than base_delay_ms") }
        let headers = node["headers"].entries().compactMap { key, value -> HeaderField? in
            guard let text = value.string() else { return nil }
            if ["content-type", "idempotency-key", "content-length", "host"].contains(key.lowercased()) {
                value.error("header \(key) is set by the gateway and cannot be overridden")
                return nil
            }
            return HeaderField(name: key, value: text)
        }
        return Department.Endpoint(
            url: url,
            timeout: Double(node["timeout_ms"].int(default: 10_000, in: 1...600_000)) / 1000,
            maxInFlight: node["max_in_flight"].int(default: 16, in: 1...1024),
            retry: retry,
            headers: headers
        )
    }
}
