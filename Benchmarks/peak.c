// The machine's single-core AVX2 FMA peak, for reading GFLOPS figures as a fraction of it.
//
//   cc -O2 -mavx2 -mfma Benchmarks/peak.c -o /tmp/peak && /tmp/peak 300
//
// Twelve independent chains of `vfmadd` on eight float lanes (enough to cover the FMA latency
// on both FMA ports; one FMA on eight lanes is 16 flops), timed in windows of 10 ms; prints the
// best window and how many windows ran below 70 % of it — on a shared virtual machine the second
// number says whether the host was taking the core away during the run. Run two at once
// (`/tmp/peak 300 & /tmp/peak 300`) to see whether the two vCPUs share a physical core.
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    int windows = argc > 1 ? atoi(argv[1]) : 100;
    if (windows < 1 || windows > 100000) windows = 100;
    double *gflops = malloc(sizeof(double) * windows);
    if (!gflops) return 1;
    __m256 acc[12];
    for (int i = 0; i < 12; i++) acc[i] = _mm256_set1_ps(1.0f + i * 1e-3f);
    const __m256 b = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
    for (int w = 0; w < windows; w++) {
        double t0 = now();
        long fmas = 0;
        while (now() - t0 < 0.01) {
            for (int r = 0; r < 1000; r++) {
#pragma GCC unroll 12
                for (int i = 0; i < 12; i++) acc[i] = _mm256_fmadd_ps(acc[i], b, c);
            }
            fmas += 12000;
        }
        gflops[w] = fmas * 16.0 / (now() - t0) / 1e9;
    }
    float keep = 0;   // use the results, so that the loop is not removed
    for (int i = 0; i < 12; i++) keep += acc[i][0];
    double best = 0;
    for (int w = 0; w < windows; w++) if (gflops[w] > best) best = gflops[w];
    int slow = 0;
    for (int w = 0; w < windows; w++) if (gflops[w] < 0.7 * best) slow++;
    printf("best %.1f GFLOPS (one core, AVX2 FMA); %d of %d windows below 70%% (%g)\n", best, slow, windows, keep);
    free(gflops);
    return 0;
}
