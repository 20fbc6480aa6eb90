package io.ktap.vm;

import static io.ktap.vm.Scripts.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ktap.sim.SimKernel;
import io.ktap.sim.SimSession;
import io.ktap.trace.TraceOptions;
import io.ktap.trace.TraceOutput;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every runtime error is an error record with its source line; the script stops, the end block runs. */
class RuntimeErrorTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            print(1 / 0)                              | division by zero
            var z = 0 ; print(5 % z)                  | modulo by zero
            var z = 0 ; var t = {} ; t.a = 1 / z      | division by zero
            print("a" < "b")                          | attempt to compare string with string
            print(1 <= nil)                           | attempt to compare number with nil
            print("a" .. 1)                           | attempt to concatenate a number value
            print(nil .. "a")                         | attempt to concatenate a nil value
            var n = nil ; print(n + 1)                | attempt to perform arithmetic on a nil value
            print(1 - "x")                            | attempt to perform arithmetic on a string value
            print(-{})                                | attempt to perform arithmetic on a table value
            print(2 ^ -1)                             | negative exponent
            var x = nil ; x()                         | attempt to call a nil value
            var x = 1 ; x(2)                          | attempt to call a number value
            var t = nil ; print(t.x)                  | attempt to index a nil value
            var t = 5 ; t.x = 1                       | attempt to index a number value
            var t = {} ; t[nil] = 1                   | table index is nil
            var t = {a = "x"} ; t.a += 1              | attempt to perform arithmetic on a string value
            print(len(5))                             | attempt to get length of a number value
            for (k, v in pairs(5)) { }                | bad argument #1 to 'pairs' (table expected, got number)
            var s = nil ; for (i = s, 2) { }          | 'for' initial value must be a number
            for (i = 1, "x") { }                      | 'for' limit must be a number
            for (i = 1, 2, 0) { }                     | 'for' step is zero
            printf("%d\\n", "x")                      | bad argument #2 to 'printf' (number expected, got string)
            printf("%d %d\\n", 1)                     | bad argument #3 to 'printf' (no value)
            printf("%y", 1)                           | invalid conversion '%y' to 'printf'
            printf(5)                                 | bad argument #1 to 'printf' (string expected, got number)
            histogram(5)                              | bad argument #1 to 'histogram' (table expected, got number)
            histogram({a = "x"})                      | histogram: the value of key 'a' is a string, not a number
            delete(5)                                 | bad argument #1 to 'delete' (table expected, got number)
            print(user_string("x"))                   | bad argument #1 to 'user_string' (number expected, got string)
            print(curr_task_info(1, 3))               | bad argument #2 to 'curr_task_info' (fetch size must be 1, 2, 4 or 8)
            print(curr_task_info(100000))             | curr_task_info: offset 100000 is outside the task_struct
            kdebug.probe_end(5)                       | bad argument #1 to 'kdebug.probe_end' (function expected, got number)
            """)
    void reportsTheMessageAndLine(String script, String message) {
        String text = "print(\"before\")\n" + script.replace(" ; ", "\n") + "\nprint(\"not reached\")\ntrace_end { print(\"end\") }";
        int line = script.split(" ; ").length + 1;
        assertEquals("before\nerror: t.kp:" + line + ": " + message + "\nend\n", run(text));
    }

    @Test
    void anErrorInTheEndBlockStopsIt() {
        assertEquals("main\nerror: t.kp:2: division by zero\n",
                run("print(\"main\")\ntrace_end { print(1 / 0) ; print(\"after\") }".replace(" ; ", "\n")));
    }

    @Test
    void anErrorInAHandlerStopsTracingAndRunsTheEndBlock() {
        SimSession s = Scripts.start(new SimKernel(), """
                var n = 0
                trace syscalls:sys_enter_read {
                    n += 1
                    if (n == 2) { print(1 / 0) }
                }
                trace_end { print("end", n) }
                """, TraceOptions.defaults());
        assertEquals(1, s.fire("syscalls:sys_enter_read", Map.of()));
        assertEquals(1, s.fire("syscalls:sys_enter_read", Map.of()));
        assertEquals(0, s.fire("syscalls:sys_enter_read", Map.of()));
        assertTrue(s.isTerminated());
        List<TraceOutput.RuntimeError> errors = s.errors();
        assertEquals(1, errors.size());
        assertEquals(4, errors.get(0).line());
        assertEquals("t.kp", errors.get(0).file());
        assertEquals("error: t.kp:4: division by zero\nend\t2\n", s.text());
        s.close();
    }

    @Test
    void errorsInsideCalledFunctionsNameTheFunctionsLine() {
        assertEquals("error: t.kp:2: division by zero\n", run("function f(x) {\n return 10 / x\n}\nprint(f(0))"));
    }

    @Test
    void anEventInTheMainChunkIsAnError() {
        assertEquals("error: t.kp:1: no event in this context\n", run("function f() { return argname }\nprint(f())"));
    }

    @Test
    void pairsAsABuiltinCallIsAnError() {
        // Codegen never emits CALLB pairs; a hand-made chunk still gets an error, not a crash.
        io.ktap.bytecode.Proto main = new io.ktap.bytecode.Proto("main", 1, io.ktap.bytecode.Proto.NO_PARENT, 0, false, 2,
                List.of(), List.of(), new int[] {
                    io.ktap.bytecode.Ins.abc(io.ktap.bytecode.Opcode.TNEW, 1, 0, 0),
                    io.ktap.bytecode.Ins.abc(io.ktap.bytecode.Opcode.CALLB, 1, 2, io.ktap.ast.Builtin.PAIRS.id()),
                    io.ktap.bytecode.Ins.ad(io.ktap.bytecode.Opcode.RET, 0, 1)}, new int[] {1, 7, 8});
        io.ktap.bytecode.Chunk chunk = new io.ktap.bytecode.Chunk("hand.kp", io.ktap.bytecode.Limits.DEFAULT, List.of(),
                List.of(main), List.of(), List.of(), List.of());
        SimSession s = new io.ktap.sim.SimBackend().open(chunk, TraceOptions.defaults());
        s.start();
        assertEquals("error: hand.kp:7: pairs(...) can only be the iterator of a for-in loop\n", s.text());
    }
}
