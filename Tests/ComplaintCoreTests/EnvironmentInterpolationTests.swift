import ComplaintCore
import Testing

@Suite("${ENV} interpolation")
struct EnvironmentInterpolationTests {
    @Test(
        arguments: [
            ("plain", [:], "plain"),
            ("${A}", ["A": "x"], "x"),
            ("${A:-fallback}", [:], "fallback"),
            ("${A:-fallback}", ["A": ""], "fallback"),
            ("${A:-fallback}", ["A": "set"], "set"),
            ("${DOWNSTREAM_URL:-http://127.0.0.1:9009}/water", [:], "http://127.0.0.1:9009/water"),
            (
                "${DOWNSTREAM_URL:-http://127.0.0.1:9009}/water", ["DOWNSTREAM_URL": "http://127.0.0.1:1"],
                "http://127.0.0.1:1/water"
            ),
            ("cost $$5", [:], "cost $5"),
            ("a $b c", [:], "a $b c"),
            ("${A}${B}", ["A": "1", "B": "2"], "12"),
            ("${SIGNING:-}", [:], ""),
            // A default that is itself a reference, read only when used.
            ("${OPS_TOKEN:-${GATEWAY_TOKEN}}", ["GATEWAY_TOKEN": "t0ken"], "t0ken"),
            ("${OPS_TOKEN:-${GATEWAY_TOKEN}}", ["OPS_TOKEN": "ops"], "ops"),
            ("${A:-${B:-${C:-deep}}}/x", [:], "deep/x"),
            ("${A:-cost $$5}", [:], "cost $5"),
        ] as [(String, [String: String], String)])
    func interpolates(input: String, environment: [String: String], expected: String) {
        #expect(EnvironmentInterpolation.interpolate(input, environment: environment) == .success(expected))
    }

    @Test func failures() {
        #expect(EnvironmentInterpolation.interpolate("${MISSING}", environment: [:]) == .failure(.unset("MISSING")))
        #expect(EnvironmentInterpolation.interpolate("${OPEN", environment: [:]) == .failure(.unterminated))
        #expect(EnvironmentInterpolation.interpolate("${1X}", environment: [:]) == .failure(.badName("1X")))
        // A nested default that is used must resolve; one that is not used is not read.
        #expect(
            EnvironmentInterpolation.interpolate("${OPS_TOKEN:-${GATEWAY_TOKEN}}", environment: [:])
                == .failure(.unset("GATEWAY_TOKEN")))
        #expect(
            EnvironmentInterpolation.interpolate("${A:-${B}", environment: [:]) == .failure(.unterminated))
    }
}
