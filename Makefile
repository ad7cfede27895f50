# Entry points for people and CI; the scripts hold the logic (and say why).
.PHONY: build release test demo bench soak chaos fuzz

build:          ## debug build of the package
	swift build

release:        ## optimized binaries: complaint-gateway and bench-ceiling
	swift build -c release --product complaint-gateway
	swift build -c release --product bench-ceiling
	@echo "binaries in $$(swift build -c release --show-bin-path)"

test:           ## unit/integration tests, then the demo as a smoke test
	bash scripts/test.sh

demo:           ## run the gateway with the sample config and a demo receiver
	bash scripts/demo.sh

bench:          ## throughput/latency vs the HTTP ceiling -> bench-results/latest.md
	bash scripts/bench.sh

soak:           ## steady load in rounds of 20 s (SOAK_ROUNDS, 12): memory, WAL, threads, fds per round
	bash scripts/bench-soak.sh $(SOAK_ROUNDS)

chaos:          ## kill -9 under load, a full disk, department outages -> chaos-results/latest.md
	bash scripts/chaos.sh

fuzz:           ## libFuzzer + ASan on every parser, 60 s each -> fuzz-results/latest.md
	bash scripts/fuzz.sh $(FUZZ_SECONDS)
