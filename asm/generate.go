package asm

// The amd64 kernels are generated with avo by the program in _gen (its own
// module, so avo never becomes a dependency of neurodyn). `go generate
// ./asm` rewrites every *_amd64.s and its stub file; `make asm-check`
// regenerates and fails if the committed files differ.

//go:generate sh -c "cd _gen && go run . -family blas1 -out ../blas1_amd64.s -stubs ../blas1_amd64.go -pkg asm"
//go:generate sh -c "cd _gen && go run . -family gemv -out ../gemv_amd64.s -stubs ../gemv_amd64.go -pkg asm"
//go:generate sh -c "cd _gen && go run . -family gemm -out ../gemm_amd64.s -stubs ../gemm_amd64.go -pkg asm"
//go:generate sh -c "cd _gen && go run . -family act -out ../act_amd64.s -stubs ../act_amd64.go -pkg asm"
//go:generate sh -c "cd _gen && go run . -family lif -out ../lif_amd64.s -stubs ../lif_amd64.go -pkg asm"
//go:generate sh -c "cd _gen && go run . -family cond -out ../cond_amd64.s -stubs ../cond_amd64.go -pkg asm"
//go:generate sh -c "cd _gen && go run . -family avx512 -out ../avx512_amd64.s -stubs ../avx512_amd64.go -pkg asm"
