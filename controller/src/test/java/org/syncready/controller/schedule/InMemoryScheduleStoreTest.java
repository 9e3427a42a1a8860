package org.syncready.controller.schedule;

class InMemoryScheduleStoreTest extends ScheduleStoreContract {
    @Override
    protected ScheduleStore newStore() {
        return new InMemoryScheduleStore();
    }
}
