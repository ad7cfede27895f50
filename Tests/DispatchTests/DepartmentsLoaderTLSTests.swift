import ComplaintCore
import ComplaintDispatch
import Foundation
import Testing

/// departments.yaml: an endpoint's `tls:` (CA file, client certificate), paths relative to the
/// configuration directory, every file checked at load.
@Suite struct DepartmentsLoaderTLSTests {
    private func load(_ endpoint: String) throws -> ([Department], ConfigDiagnostics) {
        let directory = try #require(Bundle.module.url(forResource: "TLS", withExtension: nil))
        let diagnostics = ConfigDiagnostics()
        let yaml = """
            departments:
              - id: water
                endpoint:
            \(endpoint.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
            """
        let root = ConfigNode.parse(
            yaml: yaml, displayName: "departments.yaml", diagnostics: diagnostics, environment: [:])
        return (DepartmentsLoader.read(root, directory: directory), diagnostics)
    }

    @Test func readsTheFilesRelativeToTheConfigDirectory() throws {
        let (departments, diagnostics) = try load(
            """
            url: https://water.example.gov.cn/complaints
            tls:
              ca_file: test-ca-cert.pem
              client_certificate: client-cert.pem
              client_key: client-key.pem
            """)
        #expect(diagnostics.issues.isEmpty, "\(diagnostics.issues)")
        let tls = try #require(departments.first?.endpoint.tls)
        #expect(tls.caFile?.hasSuffix("/TLS/test-ca-cert.pem") == true)
        #expect(tls.clientCertificate?.hasSuffix("/TLS/client-cert.pem") == true)
        #expect(tls.clientKey?.hasSuffix("/TLS/client-key.pem") == true)
        #expect(FileManager.default.fileExists(atPath: tls.caFile ?? ""))
    }

    @Test func noTLSSettingsUseTheSystemRoots() throws {
        let (departments, diagnostics) = try load("url: https://water.example.gov.cn/complaints")
        #expect(diagnostics.issues.isEmpty)
        #expect(departments.first?.endpoint.tls == nil)
    }

    @Test(arguments: [
        ("url: https://w.example/c\ntls: { ca_file: missing.pem }", "cannot read missing.pem"),
        (
            "url: https://w.example/c\ntls: { client_certificate: client-cert.pem }",
            "client_certificate needs client_key"
        ),
        ("url: https://w.example/c\ntls: { client_key: client-key.pem }", "client_key needs client_certificate"),
        ("url: http://w.example/c\ntls: { ca_file: test-ca-cert.pem }", "https:// URLs only"),
        ("url: https://w.example/c\ntls: { ca_file: client-key.pem }", "cannot use these TLS files"),
        (
            "url: https://w.example/c\ntls: { client_certificate: client-cert.pem, client_key: localhost-key.pem }",
            "cannot use these TLS files"
        ),
        ("url: https://w.example/c\ntls: {}", "expected ca_file, or client_certificate with client_key"),
        ("url: https://w.example/c\ntls: { cafile: test-ca-cert.pem }", "cafile"),
    ])
    func badSettingsAreReportedWhereTheyAre(_ endpoint: String, _ message: String) throws {
        let (_, diagnostics) = try load(endpoint)
        let errors = diagnostics.issues.map(\.description)
        #expect(errors.contains { $0.contains(message) }, "\(errors)")
        #expect(errors.allSatisfy { $0.contains("departments.yaml:") }, "\(errors)")
    }
}
