# The tutorial pipeline in quick mode, as CI runs it (make test).
TEST_TARGETS += test-tutorial-quick

.PHONY: test-tutorial-quick
test-tutorial-quick: build
	rm -rf build/tutorial-quick
	$(BIN)/neurodyn tutorial --quick --out build/tutorial-quick -q
	test -s build/tutorial-quick/report.md
	@echo "tutorial --quick: report at build/tutorial-quick/report.md"
