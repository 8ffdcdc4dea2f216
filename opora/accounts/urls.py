from django.urls import path

from opora.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.person_list, name="people"),
    path("invite/", views.person_invite, name="invite"),
    path("<int:pk>/", views.person_detail, name="person"),
    path("<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("<int:pk>/roles/", views.membership_add, name="role-add"),
    path("<int:pk>/invitation/", views.invitation_send, name="invitation-send"),
    path("<int:pk>/deactivate/", views.account_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.account_reactivate, name="reactivate"),
    path("roles/<int:pk>/end/", views.membership_end, name="role-end"),
    # The link of an invitation letter: for people without a session yet.
    path("welcome/done/", views.invitation_done, name="welcome-done"),
    path("welcome/<uidb64>/<token>/", views.InvitationAcceptView.as_view(), name="welcome"),
]
