package io.ktap.sim;

import io.ktap.vm.KString;
import io.ktap.vm.KernelContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A simulated Linux kernel: an event catalog described like tracefs format files, a virtual clock,
 * tasks, CPUs, kernel symbols, user and kernel memory and sockets, all deterministic. It is the
 * {@link KernelContext} the Java VM reads on the {@code sim} backend.
 *
 * <p>Out of the box it knows the common syscalls ({@code syscalls:sys_enter_*}/{@code sys_exit_*},
 * with x86_64 numbers), the {@code sched} events and {@code ftrace:function}; kprobes, uprobes and
 * SDT markers get their events when a program attaches to them. The clock starts 100 s after boot;
 * wall-clock time is the boot epoch ({@value #BOOT_EPOCH_SECONDS} s) plus the clock. The current
 * task is {@code ktap-sim-1000} on CPU 0 until a test says otherwise.
 *
 * <pre>{@code
 * SimKernel kernel = new SimKernel().cpus(4);
 * kernel.define(EventFormat.parse("sched", formatText));
 * kernel.userString(0x7000, "/etc/passwd");
 * try (SimSession s = kernel.open(program)) {
 *     s.startAsync();
 *     s.fireAs(SimTask.of(42, "cat"), 1, "syscalls:sys_enter_openat", Map.of("filename", 0x7000));
 *     s.advance(Duration.ofSeconds(1));
 * }
 * }</pre>
 *
 * Not thread-safe: one test drives one kernel.
 */
public final class SimKernel implements KernelContext {

    /** Wall-clock seconds at boot. */
    public static final long BOOT_EPOCH_SECONDS = 1_400_000_000L;

    /** The clock at creation: 100 s after boot. */
    public static final long START_NANOS = 100_000_000_000L;

    private static final long KERNEL_TEXT = 0xffffffff81000000L;

    /** A kernel function for {@code ipof}, backtraces and {@code %pS}. */
    public record Symbol(String name, long address, long size) {
        public Symbol {
            Objects.requireNonNull(name, "name");
            if (size <= 0) {
                throw new IllegalArgumentException("a symbol has a positive size: " + name);
            }
        }
    }

    private final Map<String, EventFormat> events = new LinkedHashMap<>();
    private final Map<EventFormat, Optional<PrintFormat>> printFormats = new HashMap<>();
    private final TreeMap<Long, Symbol> symbols = new TreeMap<>();
    private final Map<String, Symbol> symbolsByName = new HashMap<>();
    private final TreeMap<Long, byte[]> userMemory = new TreeMap<>();
    private final TreeMap<Long, byte[]> kernelMemory = new TreeMap<>();
    private final Map<Long, long[]> sockets = new HashMap<>();
    private long nextEventId = 1000;
    private long nextSymbol = KERNEL_TEXT + 0x100000;

    private long now = START_NANOS;
    private int cpus = 2;
    private String arch = "x86_64";
    private String release = "6.1.0-sim";
    private SimTask task = SimTask.of(1000, "ktap-sim");
    private int cpu;

    // The context of the handler running now.
    private SimTask ctxTask;
    private int ctxCpu;
    private boolean ctxInterrupt;
    private long[] ctxStack = new long[0];

    public SimKernel() {
        defineStandardEvents();
    }

    // ---- configuration -----------------------------------------------------------------------------

    /** Sets the number of CPUs (profile timers fire on each). */
    public SimKernel cpus(int n) {
        if (n < 1 || n > 4096) {
            throw new IllegalArgumentException("cpus must be 1..4096: " + n);
        }
        cpus = n;
        if (cpu >= n) {
            cpu = 0;
        }
        return this;
    }

    /** Sets what {@code arch()} returns. */
    public SimKernel arch(String machine) {
        arch = Objects.requireNonNull(machine);
        return this;
    }

    /** Sets what {@code kernel_v()} returns. */
    public SimKernel release(String kernelRelease) {
        release = Objects.requireNonNull(kernelRelease);
        return this;
    }

    /** Makes {@code t} the current task on CPU {@code onCpu}: events fired without a task happen there. */
    public SimKernel current(SimTask t, int onCpu) {
        checkCpu(onCpu);
        task = Objects.requireNonNull(t);
        cpu = onCpu;
        return this;
    }

    public SimTask currentTask() {
        return task;
    }

    public int currentCpu() {
        return cpu;
    }

    void checkCpu(int c) {
        if (c < 0 || c >= cpus) {
            throw new IllegalArgumentException("cpu " + c + " does not exist (" + cpus + " cpus)");
        }
    }

    /** Adds (or replaces) an event of the catalog. */
    public SimKernel define(EventFormat format) {
        events.put(format.qualifiedName(), format);
        return this;
    }

    /** Adds the event described by the text of a tracefs {@code format} file. */
    public EventFormat defineFormat(String system, String formatFileText) {
        EventFormat f = EventFormat.parse(system, formatFileText);
        define(f);
        return f;
    }

    /**
     * Adds {@code syscalls:sys_enter_NAME} and {@code sys_exit_NAME} for syscall number {@code nr}
     * whose arguments are {@code "type name"} declarations ({@code "unsigned int fd"}), in order.
     */
    public SimKernel defineSyscall(String name, int nr, String... args) {
        List<EventFormat.Field> enter = new ArrayList<>();
        enter.add(new EventFormat.Field("int", "__syscall_nr", 8, 4, true, false));
        int offset = 16;
        for (String decl : args) {
            String d = decl.strip();
            int sp = Math.max(d.lastIndexOf(' '), d.lastIndexOf('*'));
            if (sp <= 0) {
                throw new IllegalArgumentException("a syscall argument is 'type name': '" + decl + "'");
            }
            enter.add(new EventFormat.Field(d.substring(0, sp + 1).strip(), d.substring(sp + 1), offset, 8, false, false));
            offset += 8;
        }
        define(new EventFormat("syscalls", "sys_enter_" + name, nextEventId++, EventFormat.standardCommon(), enter, ""));
        define(new EventFormat("syscalls", "sys_exit_" + name, nextEventId++, EventFormat.standardCommon(),
                List.of(new EventFormat.Field("int", "__syscall_nr", 8, 4, true, false),
                        new EventFormat.Field("long", "ret", 16, 8, true, false)), "\"0x%lx\", REC->ret"));
        symbol("__x64_sys_" + name, 0x30);
        sysNumbers.put(name, nr);
        return this;
    }

    private final Map<String, Integer> sysNumbers = new HashMap<>();

    /** The x86_64 number of syscall {@code name}, as {@code __syscall_nr} holds it. */
    public Optional<Integer> syscallNumber(String name) {
        return Optional.ofNullable(sysNumbers.get(name));
    }

    /** The event {@code system:name}, if the catalog has it. */
    public Optional<EventFormat> event(String qualifiedName) {
        return Optional.ofNullable(events.get(qualifiedName));
    }

    /** Every event of the catalog. */
    public Collection<EventFormat> events() {
        return List.copyOf(events.values());
    }

    /** Adds a kernel function at the next free address. */
    public Symbol symbol(String name, long size) {
        Symbol existing = symbolsByName.get(name);
        if (existing != null) {
            return existing;
        }
        Symbol s = new Symbol(name, nextSymbol, size);
        nextSymbol += (size + 15) & ~15L;
        symbols.put(s.address(), s);
        symbolsByName.put(name, s);
        return s;
    }

    /** The kernel function named {@code name}, if known. */
    public Optional<Symbol> symbol(String name) {
        return Optional.ofNullable(symbolsByName.get(name));
    }

    /** The address {@code offset} bytes into function {@code name} (added if unknown). */
    public long address(String name, long offset) {
        return symbol(name, 0x200).address() + offset;
    }

    /** Places the NUL-terminated UTF-8 {@code text} in user memory at {@code addr}. */
    public SimKernel userString(long addr, String text) {
        userMemory.put(addr, cString(text));
        return this;
    }

    /** Places the NUL-terminated UTF-8 {@code text} in kernel memory at {@code addr}. */
    public SimKernel kernelString(long addr, String text) {
        kernelMemory.put(addr, cString(text));
        return this;
    }

    /** A socket at kernel address {@code addr} with IPv4 source and destination ({@code "10.0.0.1"}). */
    public SimKernel socket(long addr, String source, String destination) {
        sockets.put(addr, new long[] {ipv4(source), ipv4(destination)});
        return this;
    }

    /** An IPv4 address as the kernel holds a {@code __be32} in a register: first octet in the low byte. */
    static long ipv4(String dotted) {
        String[] p = dotted.split("\\.");
        if (p.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        }
        long v = 0;
        for (int i = 3; i >= 0; i--) {
            int o = Integer.parseInt(p[i]);
            if (o < 0 || o > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            v = v << 8 | o;
        }
        return v;
    }

    private static byte[] cString(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(b, b.length + 1);
    }

    // ---- the clock -------------------------------------------------------------------------------

    /** The trace clock: nanoseconds since boot. */
    public long now() {
        return now;
    }

    /** Moves the clock forward (timers are fired by {@link SimSession#advance}, not here). */
    void setNow(long nanos) {
        if (nanos < now) {
            throw new IllegalStateException("the clock never goes back");
        }
        now = nanos;
    }

    /** Advances the clock by {@code d} without firing timers: for kernels no session is attached to. */
    public SimKernel tick(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration " + d);
        }
        setNow(now + d.toNanos());
        return this;
    }

    // ---- sessions ----------------------------------------------------------------------------------

    /** Opens a session of {@code program} on this kernel with the default options. */
    public SimSession open(io.ktap.trace.TraceProgram program) {
        return new SimBackend(this).open(program);
    }

    /** Opens a session of {@code program} on this kernel. */
    public SimSession open(io.ktap.trace.TraceProgram program, io.ktap.trace.TraceOptions options) {
        return new SimBackend(this).open(program, options);
    }

    /** Opens a session of a program given as its AST. */
    public SimSession open(io.ktap.ast.Program program) {
        return open(io.ktap.trace.TraceProgram.of(program));
    }

    // ---- events ------------------------------------------------------------------------------------

    /**
     * An event of the catalog happening now, in task {@code t} on CPU {@code onCpu}.
     *
     * @param fields field values by name: numbers ({@link Long}, {@link Integer}...) or text
     *               ({@link String}); missing fields are 0 or empty
     */
    public SimEvent newEvent(String qualifiedName, Map<String, ?> fields, SimTask t, int onCpu) {
        EventFormat f = events.get(qualifiedName);
        if (f == null) {
            throw new IllegalArgumentException("no event " + qualifiedName + " in the simulated kernel");
        }
        return newEvent(f, fields, t, onCpu);
    }

    SimEvent newEvent(EventFormat f, Map<String, ?> fields, SimTask t, int onCpu) {
        checkCpu(onCpu);
        Map<String, Object> values = new LinkedHashMap<>(fields);
        if (f.system().equals("syscalls") && f.fieldIndex("__syscall_nr") == 1 && !values.containsKey("__syscall_nr")) {
            String name = f.name().replaceFirst("^sys_(enter|exit)_", "");
            values.put("__syscall_nr", (long) sysNumbers.getOrDefault(name, -1));
        }
        String flags = f.system().equals("sched") && f.name().equals("sched_switch") ? "d..2." : ".....";
        return new SimEvent(this, f, values, t, onCpu, now, flags, defaultStack(f));
    }

    private long[] defaultStack(EventFormat f) {
        List<Long> stack = new ArrayList<>();
        switch (f.system()) {
            case "syscalls" -> {
                String name = f.name().replaceFirst("^sys_(enter|exit)_", "");
                Symbol s = symbolsByName.get("__x64_sys_" + name);
                if (s != null) {
                    stack.add(s.address() + 0x12);
                }
                stack.add(address("do_syscall_64", 0x5c));
                stack.add(address("entry_SYSCALL_64_after_hwframe", 0x6e));
            }
            case "sched" -> {
                stack.add(address("__schedule", 0x3c5));
                stack.add(address("schedule", 0x5e));
                stack.add(address("do_syscall_64", 0x5c));
                stack.add(address("entry_SYSCALL_64_after_hwframe", 0x6e));
            }
            default -> {
                stack.add(address("do_syscall_64", 0x5c));
                stack.add(address("entry_SYSCALL_64_after_hwframe", 0x6e));
            }
        }
        return stack.stream().mapToLong(Long::longValue).toArray();
    }

    /** Where a perf counter's overflow handler runs from, innermost first. */
    long[] counterStack() {
        return new long[] {address("__perf_event_overflow", 0x1a), address("perf_swevent_event", 0x9c),
                address("do_syscall_64", 0x5c), address("entry_SYSCALL_64_after_hwframe", 0x6e)};
    }

    long[] timerStack() {
        return new long[] {address("hrtimer_interrupt", 0x104), address("__sysvec_apic_timer_interrupt", 0x5d),
                address("sysvec_apic_timer_interrupt", 0x69), address("asm_sysvec_apic_timer_interrupt", 0x16)};
    }

    /** The event of a kprobe or kretprobe on {@code symbol} with fetch args, defined on first use. */
    EventFormat probeEvent(String system, String name, boolean isReturn, List<EventFormat.Field> fetchFields) {
        String q = system + ":" + name;
        EventFormat f = events.get(q);
        if (f != null) {
            return f;
        }
        List<EventFormat.Field> fields = new ArrayList<>();
        int offset = 8;
        if (isReturn) {
            fields.add(new EventFormat.Field("unsigned long", "__probe_func", offset, 8, false, false));
            offset += 8;
            fields.add(new EventFormat.Field("unsigned long", "__probe_ret_ip", offset, 8, false, false));
        } else {
            fields.add(new EventFormat.Field("unsigned long", "__probe_ip", offset, 8, false, false));
        }
        offset += 8;
        for (EventFormat.Field a : fetchFields) {
            fields.add(new EventFormat.Field(a.type(), a.name(), offset, a.size(), a.signed(), a.isString()));
            offset += a.size();
        }
        f = new EventFormat(system, name, nextEventId++, EventFormat.standardCommon(), fields, "");
        define(f);
        return f;
    }

    long nextEventId() {
        return nextEventId++;
    }

    PrintFormat printFormat(EventFormat f) {
        return printFormats.computeIfAbsent(f, x -> Optional.ofNullable(PrintFormat.parse(x.printFmt()))).orElse(null);
    }

    /** {@code name+0xoff/0xsize} for a known function, else the hex address: the kernel's {@code %pS}. */
    String symbolName(long addr) {
        Map.Entry<Long, Symbol> e = symbols.floorEntry(addr);
        if (e != null && addr - e.getKey() < e.getValue().size()) {
            return e.getValue().name();
        }
        return "0x" + Long.toHexString(addr);
    }

    // ---- the handler context ---------------------------------------------------------------------

    /** Sets the context handlers see while an event (or timer) is being handled. */
    void enter(SimTask t, int onCpu, boolean interrupt, long[] stack) {
        ctxTask = t;
        ctxCpu = onCpu;
        ctxInterrupt = interrupt;
        ctxStack = stack;
    }

    void leave() {
        ctxTask = null;
        ctxInterrupt = false;
        ctxStack = new long[0];
    }

    private SimTask ctx() {
        return ctxTask != null ? ctxTask : task;
    }

    @Override
    public int pid() {
        return ctx().pid();
    }

    @Override
    public int tid() {
        return ctx().tid();
    }

    @Override
    public int uid() {
        return ctx().uid();
    }

    @Override
    public KString execname() {
        return KString.of(ctx().comm());
    }

    @Override
    public int cpu() {
        return ctxTask != null ? ctxCpu : cpu;
    }

    @Override
    public int numCpus() {
        return cpus;
    }

    @Override
    public KString arch() {
        return KString.of(arch);
    }

    @Override
    public KString kernelVersion() {
        return KString.of(release);
    }

    @Override
    public byte[] userString(long addr, int max) {
        return read(userMemory, addr, max);
    }

    @Override
    public byte[] kernelString(long addr, int max) {
        return read(kernelMemory, addr, max);
    }

    private static byte[] read(TreeMap<Long, byte[]> memory, long addr, int max) {
        Map.Entry<Long, byte[]> e = memory.floorEntry(addr);
        if (e == null || addr - e.getKey() >= e.getValue().length) {
            return null;
        }
        byte[] region = e.getValue();
        int from = (int) (addr - e.getKey());
        int end = from;
        while (end < region.length && region[end] != 0 && end - from < max) {
            end++;
        }
        return Arrays.copyOfRange(region, from, end);
    }

    @Override
    public long[] kernelStack() {
        return ctxStack.clone();
    }

    @Override
    public String symbolize(long addr) {
        Map.Entry<Long, Symbol> e = symbols.floorEntry(addr);
        if (e != null && addr - e.getKey() < e.getValue().size()) {
            Symbol s = e.getValue();
            return s.name() + "+0x" + Long.toHexString(addr - s.address()) + "/0x" + Long.toHexString(s.size());
        }
        return "0x" + Long.toHexString(addr);
    }

    @Override
    public Long taskField(long offset, int bytes) {
        return ctx().readTaskField(offset, bytes);
    }

    @Override
    public boolean inInterrupt() {
        return ctxInterrupt;
    }

    @Override
    public boolean inIowait() {
        return false;
    }

    @Override
    public long realtimeNanos() {
        return BOOT_EPOCH_SECONDS * 1_000_000_000L + now;
    }

    @Override
    public long traceClockNanos() {
        return now;
    }

    @Override
    public Long sockSourceAddress(long sock) {
        long[] s = sockets.get(sock);
        return s == null ? null : s[0];
    }

    @Override
    public Long sockDestinationAddress(long sock) {
        long[] s = sockets.get(sock);
        return s == null ? null : s[1];
    }

    // ---- the standard catalog ----------------------------------------------------------------------

    private void defineStandardEvents() {
        for (String name : List.of("_stext", "do_syscall_64", "entry_SYSCALL_64_after_hwframe", "__schedule", "schedule",
                "do_sys_open", "do_sys_openat2", "vfs_read", "vfs_write", "ksys_read", "ksys_write", "mutex_lock",
                "mutex_unlock", "hrtimer_interrupt", "__sysvec_apic_timer_interrupt", "sysvec_apic_timer_interrupt",
                "asm_sysvec_apic_timer_interrupt", "tcp_sendmsg", "tcp_v4_connect", "kmalloc", "kfree")) {
            symbol(name, 0x200);
        }
        defineSyscall("read", 0, "unsigned int fd", "char * buf", "size_t count");
        defineSyscall("write", 1, "unsigned int fd", "const char * buf", "size_t count");
        defineSyscall("open", 2, "const char * filename", "int flags", "umode_t mode");
        defineSyscall("close", 3, "unsigned int fd");
        defineSyscall("newstat", 4, "const char * filename", "struct stat * statbuf");
        defineSyscall("newfstat", 5, "unsigned int fd", "struct stat * statbuf");
        defineSyscall("poll", 7, "struct pollfd * ufds", "unsigned int nfds", "int timeout_msecs");
        defineSyscall("lseek", 8, "unsigned int fd", "off_t offset", "unsigned int whence");
        defineSyscall("mmap", 9, "unsigned long addr", "unsigned long len", "unsigned long prot",
                "unsigned long flags", "unsigned long fd", "unsigned long off");
        defineSyscall("munmap", 11, "unsigned long addr", "size_t len");
        defineSyscall("rt_sigprocmask", 14, "int how", "sigset_t * nset", "sigset_t * oset", "size_t sigsetsize");
        defineSyscall("ioctl", 16, "unsigned int fd", "unsigned int cmd", "unsigned long arg");
        defineSyscall("nanosleep", 35, "struct __kernel_timespec * rqtp", "struct __kernel_timespec * rmtp");
        defineSyscall("getpid", 39);
        defineSyscall("sendto", 44, "int fd", "void * buff", "size_t len", "unsigned int flags",
                "struct sockaddr * addr", "int addr_len");
        defineSyscall("recvfrom", 45, "int fd", "void * ubuf", "size_t size", "unsigned int flags",
                "struct sockaddr * addr", "int * addr_len");
        defineSyscall("clone", 56, "unsigned long clone_flags", "unsigned long newsp", "int * parent_tidptr",
                "int * child_tidptr", "unsigned long tls");
        defineSyscall("execve", 59, "const char * filename", "const char *const * argv", "const char *const * envp");
        defineSyscall("exit", 60, "int error_code");
        defineSyscall("getppid", 110);
        defineSyscall("futex", 202, "u32 * uaddr", "int op", "u32 val", "const struct __kernel_timespec * utime",
                "u32 * uaddr2", "u32 val3");
        defineSyscall("exit_group", 231, "int error_code");
        defineSyscall("openat", 257, "int dfd", "const char * filename", "int flags", "umode_t mode");
        define(EventFormat.parse("sched", resource("sched_switch.format")));
        define(EventFormat.parse("sched", resource("sched_wakeup.format")));
        define(EventFormat.parse("sched", resource("sched_process_exec.format")));
        define(EventFormat.parse("sched", resource("sched_process_fork.format")));
        define(EventFormat.parse("sched", resource("sched_process_exit.format")));
        define(new EventFormat("ftrace", "function", 1, EventFormat.standardCommon(),
                List.of(new EventFormat.Field("unsigned long", "ip", 8, 8, false, false),
                        new EventFormat.Field("unsigned long", "parent_ip", 16, 8, false, false)),
                "\" %ps <-- %ps\", (void *)REC->ip, (void *)REC->parent_ip"));
    }

    private static String resource(String name) {
        try (InputStream in = SimKernel.class.getResourceAsStream("formats/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource io/ktap/sim/formats/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read format resource " + name, e);
        }
    }
}
