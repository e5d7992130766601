# A real Slurm job array on localhost (scripts/slurm-test.sh), run by make test.
TEST_TARGETS += test-slurm

.PHONY: test-slurm
test-slurm: build
	scripts/slurm-test.sh
