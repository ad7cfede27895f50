import Hummingbird

// The same Hummingbird HTTP server the gateway runs, answering every request with a constant
// 200: the ceiling `make bench` compares the gateway's durable intake rate with.
let arguments = CommandLine.arguments
var host = "127.0.0.1"
var port = 18181
if let index = arguments.firstIndex(of: "--listen"), index + 1 < arguments.count {
    let parts = arguments[index + 1].split(separator: ":")
    if parts.count == 2, let value = Int(parts[1]) {
        host = String(parts[0])
        port = value
    }
}
let router = Router()
router.post("/**") { _, _ in
    Response(
        status: .created, headers: [.contentType: "application/json"],
        body: .init(byteBuffer: .init(string: "{\"id\":\"cmp_01JD8Q3W6T7Y2N4K9M0P5R8S1V\"}")))
}
let app = Application(
    router: router, configuration: .init(address: .hostname(host, port: port), serverName: "bench-ceiling"))
try await app.runService()
