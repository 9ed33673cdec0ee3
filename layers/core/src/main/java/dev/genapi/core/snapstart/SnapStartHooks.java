package dev.genapi.core.snapstart;

import dev.genapi.core.config.Env;
import dev.genapi.core.log.Log;
import dev.genapi.core.random.Entropy;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * A function's SnapStart runtime hooks (org.crac). Before Lambda snapshots the initialised function, its
 * priming runs the request path once without side effects, so that the snapshot holds those classes loaded
 * and linked rather than each resumed container loading them on its first request. After a container
 * resumes, the random source is renewed: every container resumed from one snapshot would otherwise share it.
 * Outside SnapStart (sam local, the local stack, tests) Lambda never calls the hooks.
 */
public final class SnapStartHooks implements Resource {

    private final Runnable priming;

    SnapStartHooks(Runnable priming) {
        this.priming = priming;
    }

    /** Registers the hooks; the caller keeps the returned object, as CRaC may hold resources only weakly. */
    public static SnapStartHooks register(Runnable priming) {
        SnapStartHooks hooks = new SnapStartHooks(priming);
        Core.getGlobalContext().register(hooks);
        return hooks;
    }

    /**
     * Whether Lambda is initialising this function to snapshot it (AWS_LAMBDA_INITIALIZATION_TYPE
     * {@code snap-start}): then init should build everything a request may need, as the snapshot keeps it.
     */
    public static boolean initialisingForSnapshot(Env env) {
        return "snap-start".equals(env.get("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"));
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        try {
            priming.run();
        } catch (RuntimeException e) {
            // A snapshot without priming is only slower on its first request; never fail the deployment for it.
            Log.warn("priming failed; the snapshot is taken without it", e);
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        Entropy.renew();
    }
}
