//! The `fugue` binary's allocator: mimalloc, told at start-up to keep the
//! pages it frees.
//!
//! The kernels' large temporary vectors (row encodings, hash tables,
//! gathers) otherwise go back to the kernel on free and are faulted in and
//! zeroed again by the next operation: at SF 1 that page clearing was a
//! third of the native engine's W6 time, serialised on the process's
//! page-table lock. Every engine and the hand-written baselines of `fugue
//! bench` run on it alike. A `fugue` command is one short-lived process;
//! `fugue bench` hands the kept pages back between workloads
//! ([`release_freed_pages`]) so each workload's peak RSS is its own.

/// The global allocator (see the module docs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (`mimalloc.h` of
/// the bundled v3): how long freed memory waits before it is returned to
/// the OS, in ms (default 1000); -1 never. libmimalloc-sys names no
/// constant for it; a unit test checks the index.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Never returns freed memory to the OS (see the module docs).
pub(crate) fn keep_freed_pages() {
    set_purge_delay(-1);
}

/// Returns every freed page to the OS now, then keeps freed pages again.
pub(crate) fn release_freed_pages() {
    set_purge_delay(0);
    // SAFETY: `mi_collect` only frees memory mimalloc holds and no live
    // allocation uses. Each thread keeps its own free pages: the kernels'
    // threads (rayon's global pool) collect theirs too.
    rayon::broadcast(|_| unsafe { libmimalloc_sys::mi_collect(true) });
    unsafe { libmimalloc_sys::mi_collect(true) }
    set_purge_delay(-1);
}

fn set_purge_delay(ms: std::ffi::c_long) {
    // SAFETY: setting an option is a plain store into mimalloc's option
    // table; any value is valid for `purge_delay`.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, ms) }
}

#[cfg(test)]
mod tests {
    /// The option index is mimalloc's `purge_delay`: its default in the
    /// bundled v3 sources (`options.c`: 1000 ms) sits there, and the next
    /// option (`use_numa_nodes`, default 0) after it.
    #[test]
    fn the_purge_delay_index_names_mimallocs_purge_delay() {
        // SAFETY: reading an option is a plain load from mimalloc's table.
        let (delay, numa) = unsafe {
            (
                libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY),
                libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY + 1),
            )
        };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(delay, 1000);
        }
        assert_eq!(numa, 0);
        super::keep_freed_pages();
        super::release_freed_pages();
        // SAFETY: as above.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) }, -1);
    }
}
