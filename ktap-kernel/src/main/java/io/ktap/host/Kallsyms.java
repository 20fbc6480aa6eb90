package io.ktap.host;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Kernel symbols from {@code /proc/kallsyms}, to name the addresses of callchains and {@code %pS}
 * conversions as the kernel would ({@code do_sys_openat2+0x7d/0x110}). Read once, on first use.
 * When the kernel hides addresses ({@code kernel.kptr_restrict}, or not root) every address is
 * zero and nothing can be named: {@link #isReadable()} says so and addresses print as hex.
 */
final class Kallsyms {

    private final long[] addresses;
    private final String[] names;

    private Kallsyms(long[] addresses, String[] names) {
        this.addresses = addresses;
        this.names = names;
    }

    /** The symbols of {@code file} (a {@code /proc/kallsyms} listing); empty when unreadable. */
    static Kallsyms load(Path file) {
        List<long[]> addrs = new ArrayList<>();
        List<String> syms = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = in.readLine()) != null) {
                // ffffffff81000000 T _stext [module]
                int sp1 = line.indexOf(' ');
                int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
                if (sp2 < 0 || sp2 - sp1 != 2) {
                    continue;
                }
                char type = Character.toLowerCase(line.charAt(sp1 + 1));
                if (type != 't' && type != 'w') {
                    continue;  // text symbols only: callchains and %pS name code
                }
                long addr;
                try {
                    addr = Long.parseUnsignedLong(line.substring(0, sp1), 16);
                } catch (NumberFormatException e) {
                    continue;
                }
                if (addr == 0) {
                    continue;
                }
                int end = line.indexOf('\t', sp2 + 1);
                String name = end < 0 ? line.substring(sp2 + 1) : line.substring(sp2 + 1, end);
                String module = end < 0 ? "" : line.substring(end + 1).strip();
                addrs.add(new long[] {addr, syms.size()});
                syms.add(module.isEmpty() ? name : name + " " + module);
            }
        } catch (IOException e) {
            return new Kallsyms(new long[0], new String[0]);
        }
        addrs.sort((a, b) -> Long.compareUnsigned(a[0], b[0]));
        long[] a = new long[addrs.size()];
        String[] n = new String[addrs.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = addrs.get(i)[0];
            n[i] = syms.get((int) addrs.get(i)[1]);
        }
        return new Kallsyms(a, n);
    }

    /** Whether any symbol has a visible address. */
    boolean isReadable() {
        return addresses.length > 0;
    }

    /**
     * The symbol holding {@code addr}: {@code name+0xoff/0xsize} when {@code withOffset}, else the
     * name; null when no symbol holds it (below the first one, or past the last one's end).
     */
    String symbolize(long addr, boolean withOffset) {
        int i = floor(addr);
        if (i < 0) {
            return null;
        }
        String full = names[i];
        int space = full.indexOf(' ');
        String name = space < 0 ? full : full.substring(0, space);
        String module = space < 0 ? "" : " " + full.substring(space + 1);
        if (i + 1 >= addresses.length) {
            return addr == addresses[i] ? name + module : null;
        }
        long size = addresses[i + 1] - addresses[i];
        if (!withOffset) {
            return name + module;
        }
        return name + "+0x" + Long.toHexString(addr - addresses[i]) + "/0x" + Long.toHexString(size) + module;
    }

    /** {@code addr} as {@link #symbolize} with offset, or {@code 0x...} when no symbol holds it. */
    String describe(long addr) {
        String s = symbolize(addr, true);
        return s != null ? s : "0x" + Long.toHexString(addr);
    }

    private int floor(long addr) {
        int lo = 0;
        int hi = addresses.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(addresses[mid], addr) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    @Override
    public String toString() {
        return "Kallsyms[" + addresses.length + " text symbols" + (addresses.length > 0
                ? ", 0x" + Long.toHexString(addresses[0]) + "..0x" + Long.toHexString(addresses[addresses.length - 1])
                : "") + "]";
    }
}
