import Foundation
import GatewayServer
import GatewayTestSupport
import Logging
import Storage
import Testing

@Suite("One gateway serves a data directory at a time")
struct DataDirectoryLockTests {
    @Test("a second gateway on a served data directory refuses to start, naming the first; after a stop it starts")
    func secondGatewayRefused() async throws {
        let downstream = try await DownstreamServer.start()
        let first = try await RunningGateway.start(downstream: downstream.baseURL)
        let configuration = try RunningGateway.configuration(
            downstream: downstream.baseURL, dataDirectory: first.dataDirectory)
        // Refused before it opens the store: a newer version would otherwise migrate the store
        // the first one serves.
        let error = #expect(throws: StorageError.self) {
            try Gateway(configuration: configuration, logger: .init(label: "second"))
        }
        #expect(error?.message.contains("is in use by another gateway (pid \(getpid()))") == true)
        #expect(error?.message.contains("gateway.lock") == true)
        // The first still serves.
        #expect(try await first.post(#"{"text": "路灯不亮。"}"#).status == 201)
        try await first.stop()
        let restarted = try await RunningGateway.start(
            downstream: downstream.baseURL, dataDirectory: first.dataDirectory)
        #expect(try await restarted.request(.get, "/readyz").status == 200)
        try await restarted.stop()
        await downstream.stop()
    }

    @Test("a gateway refused by the lock has not opened, created or migrated the store")
    func refusedBeforeTheStoreOpens() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cg-lock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let held = try DataDirectoryLock(directory: directory.path)
        let configuration = try RunningGateway.configuration(downstream: "http://127.0.0.1:9", dataDirectory: directory)
        #expect(throws: StorageError.self) { try Gateway(configuration: configuration, logger: .init(label: "second")) }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("gateway.sqlite").path))
        _ = held
    }

    @Test("a listen address in use is named with its setting")
    func listenAddressInUse() async throws {
        let downstream = try await DownstreamServer.start()
        let first = try await RunningGateway.start(downstream: downstream.baseURL)
        var configuration = try RunningGateway.configuration(
            downstream: downstream.baseURL,
            dataDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("cg-bind-\(UUID().uuidString)")
        )
        configuration.server.port = first.port
        let second = try Gateway(configuration: configuration, logger: .init(label: "second"))
        let error = await #expect(throws: ListenError.self) { try await second.run(handleSignals: false) }
        #expect(
            error?.description
                == "cannot listen on 127.0.0.1:\(first.port) (server.listen or --listen): the address is already in use "
                + "(another gateway, or another program, listens there)")
        try await first.stop()
        await downstream.stop()
    }

    @Test("the data directory is created for its owner only")
    func ownerOnly() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cg-lock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let lock = try DataDirectoryLock(directory: directory.path)
        let mode = try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        #expect(try String(contentsOfFile: lock.path, encoding: .utf8) == "\(getpid())\n")
        #expect(throws: StorageError.self) { try DataDirectoryLock(directory: directory.path) }
        _ = lock
    }
}
