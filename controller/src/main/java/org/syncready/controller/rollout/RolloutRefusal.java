package org.syncready.controller.rollout;

import java.util.List;
import org.syncready.controller.refusal.Refusal;
import org.syncready.firmware.ProfileProblem;

/**
 * The rollout package's refusals: every one lists its problems with their fields (a JSON pointer into
 * the request, or into the rendered body with the layer that broke it), and a refusal without a field
 * names the whole request ({@code request /}), as the API has always answered.
 */
final class RolloutRefusal {
    private RolloutRefusal() {
    }

    static Refusal invalid(List<ProfileProblem> problems) {
        return Refusal.of(Refusal.Kind.INVALID, problems.stream().map(RolloutRefusal::problem).toList());
    }

    static Refusal notFound(String message) {
        return Refusal.of(Refusal.Kind.NOT_FOUND, List.of(new Refusal.Problem("request", "/", message)));
    }

    static Refusal conflict(String message) {
        return Refusal.of(Refusal.Kind.CONFLICT, List.of(new Refusal.Problem("request", "/", message)));
    }

    /** A conflict that names the field it is about. */
    static Refusal conflict(String field, String message) {
        return Refusal.of(Refusal.Kind.CONFLICT, List.of(new Refusal.Problem("request", field, message)));
    }

    private static Refusal.Problem problem(ProfileProblem p) {
        return new Refusal.Problem(p.where(), p.pointer(), p.message());
    }
}
