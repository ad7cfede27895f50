import ComplaintCore
import ComplaintDispatch
import Foundation
import Testing

/// departments.yaml: an endpoint's `tls:` (CA file, client certificate), paths relative to the
/// configuration directory, every file checked at load.
@Suite struct DepartmentsLoaderTLSTests {
    private func load(_ endpoint: String, directory: URL? = nil) throws -> ([Department], ConfigDiagnostics) {
        loadOneDepartment(endpoint: endpoint, directory: try directory ?? TestCA.directory())
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
        // A clone does not keep the key's file mode, so a warning about it may come; no error.
        #expect(diagnostics.errors.isEmpty, "\(diagnostics.issues)")
        let tls = try #require(departments.first?.endpoint.tls)
        #expect(tls.caFile?.hasSuffix("/TLS/test-ca-cert.pem") == true)
        #expect(tls.clientCertificate?.hasSuffix("/TLS/client-cert.pem") == true)
        #expect(tls.clientKey?.hasSuffix("/TLS/client-key.pem") == true)
        #expect(FileManager.default.fileExists(atPath: tls.caFile ?? ""))
    }

    @Test func aKeyOthersCanReadIsAWarning() throws {
        let fixtures = try TestCA.directory()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cg-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["client-cert.pem", "client-key.pem"] {
            try FileManager.default.copyItem(
                at: fixtures.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        let key = directory.appendingPathComponent("client-key.pem").path
        let endpoint = """
            url: https://water.example.gov.cn/complaints
            tls: { client_certificate: client-cert.pem, client_key: client-key.pem }
            """
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        let (_, shared) = try load(endpoint, directory: directory)
        #expect(shared.errors.isEmpty, "\(shared.issues)")
        #expect(shared.warnings.map(\.description).contains { $0.contains("readable by other users (mode 644)") })
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        let (_, kept) = try load(endpoint, directory: directory)
        #expect(kept.issues.isEmpty, "\(kept.issues)")
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
            "client_key: not usable as the key of client_certificate"
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
