package io.ktap.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void hello() {
        assertEquals("hello\t1\tnil\ttrue\n", Scripts.run("print(\"hello\", 1, nil, true)"));
    }

    @Test
    void fib() {
        assertEquals("832040\n", Scripts.run("function fib(n) { if (n < 2) { return n } return fib(n-1) + fib(n-2) }\nprint(fib(30))",
                io.ktap.trace.TraceOptions.defaults().limits(io.ktap.trace.Limits.defaults().instructions(0))));
    }
}
