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
        ] as [(String, [String: String], String)])
    func interpolates(input: String, environment: [String: String], expected: String) {
        #expect(EnvironmentInterpolation.interpolate(input, environment: environment) == .success(expected))
    }

    @Test func failures() {
        #expect(EnvironmentInterpolation.interpolate("${MISSING}", environment: [:]) == .failure(.unset("MISSING")))
        #expect(EnvironmentInterpolation.interpolate("${OPEN", environment: [:]) == .failure(.unterminated))
        #expect(EnvironmentInterpolation.interpolate("${1X}", environment: [:]) == .failure(.badName("1X")))
    }
}
