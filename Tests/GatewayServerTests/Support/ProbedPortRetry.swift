/// Starts a server on a port probed free and released, again on a new port when it fails with an
/// error `portTaken` accepts: between the probe and the server's bind, another socket (a test's
/// client connection takes ephemeral ports too) can take the port. At most `attempts` starts.
func startRetryingOnTakenPort<Server>(
    attempts: Int = 4, portTaken: (any Error) -> Bool, start: () async throws -> Server
) async throws -> Server {
    var attempt = 1
    while true {
        do {
            return try await start()
        } catch let error where attempt < attempts && portTaken(error) {
            attempt += 1
        }
    }
}
